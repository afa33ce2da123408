package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const keyFileWarning = "WARNING: no --encryptionEnv"

// want runs the binary and checks its exit (zero or not) and that its output says what.
func want(t *testing.T, ok bool, says string, args ...string) string {
	t.Helper()
	out, code := run(t, args...)
	if (code == 0) != ok || !strings.Contains(out, says) {
		t.Errorf("%s: exit %d, want ok=%v and %q in:\n%s", strings.Join(args, " "), code, ok, says, out)
	}
	return out
}

// TestCLIFailuresExitNonZero: every failing command exits non-zero and says what to do.
func TestCLIFailuresExitNonZero(t *testing.T) {
	fresh := filepath.Join(t.TempDir(), "pb_data")
	want(t, false, "belongs to no consulate yet: start `alertbutton serve --consulate CODE", "federation", "peer", "list", "--dir", fresh)
	want(t, false, `unknown command "bogus"`, "bogus")

	dir := filepath.Join(t.TempDir(), "pb_data")
	start(t, dir, "fresno").stop()
	want(t, false, "signing key", "federation", "peer", "add", "--dir", dir, "--", "los-angeles", "https://la.example", "not-a-key", "not-a-key")
	want(t, false, "accepts 4 arg(s)", "federation", "peer", "add", "--dir", dir, "los-angeles")
	want(t, false, `unknown consulate code "atlantis"`, "federation", "peer", "remove", "--dir", dir, "atlantis")
	want(t, false, "root public key", "federation", "roster", "import", "--dir", dir, "--root-public-key", "x", filepath.Join(dir, "missing.json"))
	want(t, false, "--to FILE is required", "backup", "create", "--dir", dir)
}

// TestCLIEmptyPeerListSaysSo: an empty list is a plain sentence, not nothing.
func TestCLIEmptyPeerListSaysSo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	start(t, dir, "fresno").stop()
	want(t, true, "no peers yet: add one with `alertbutton federation peer add`", "federation", "peer", "list", "--dir", dir)
}

// TestCLIKeyFileWarningOnServeOnly: without --encryptionEnv, serve warns once; the other
// commands and --help do not.
func TestCLIKeyFileWarningOnServeOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	a := start(t, dir, "fresno")
	a.stop()
	if n := strings.Count(a.output.String(), keyFileWarning); n != 1 {
		t.Errorf("serve warned %d times, want once:\n%s", n, a.output)
	}
	for _, args := range [][]string{
		{"federation", "peer", "list", "--dir", dir},
		{"serve", "--help", "--dir", dir},
		{"--help", "--dir", dir},
		{"backup", "--help", "--dir", dir},
	} {
		if out, _ := run(t, args...); strings.Contains(out, keyFileWarning) {
			t.Errorf("%s warns about the key file:\n%s", strings.Join(args, " "), out)
		}
	}
}

// TestCLIFederationKeysURL: the URL is serve's saved --public-url, and a localhost one is refused.
func TestCLIFederationKeysURL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	start(t, dir, "fresno", "--public-url", "https://alerta.fresno.example/").stop()
	want(t, true, `"url":"https://alerta.fresno.example"`, "federation", "keys", "--dir", dir)
	want(t, false, "names this machine only", "federation", "keys", "--dir", dir, "--url", "http://localhost:8090")
	want(t, false, "names this machine only", "federation", "keys", "--dir", dir, "--url", "http://127.0.0.1:8090")

	loopback := filepath.Join(t.TempDir(), "pb_data")
	start(t, loopback, "fresno").stop()
	out := want(t, false, "--public-url", "federation", "keys", "--dir", loopback)
	if strings.Contains(out, "127.0.0.1") && strings.Contains(out, `"url"`) {
		t.Errorf("federation keys printed a loopback URL:\n%s", out)
	}
}

// TestCLIBackupChecksTheSecret: backup create refuses a secret the data directory was not
// served with, before writing anything.
func TestCLIBackupChecksTheSecret(t *testing.T) {
	t.Setenv(secretEnv, "e2e-secret-0123456789abcdefghijk")
	t.Setenv("ALERTBUTTON_E2E_WRONG", "wrong-secret-0123456789abcdefghi")
	recipients, _, _ := backupKeys(t)

	plain := filepath.Join(t.TempDir(), "pb_data")
	start(t, plain, "fresno", "--backup-recipients", recipients).stop()
	to := filepath.Join(t.TempDir(), "backup.age")
	want(t, false, "never served with the secret", "backup", "create", "--dir", plain, "--to", to, "--encryptionEnv", secretEnv, "--backup-recipients", recipients)
	noFile(t, to)

	sealed := filepath.Join(t.TempDir(), "pb_data")
	start(t, sealed, "fresno", "--encryptionEnv", secretEnv, "--backup-recipients", recipients).stop()
	want(t, false, "give the same --encryptionEnv", "backup", "create", "--dir", sealed, "--to", to, "--encryptionEnv", "ALERTBUTTON_E2E_WRONG", "--backup-recipients", recipients)
	noFile(t, to)
	want(t, true, "backup written to", "backup", "create", "--dir", sealed, "--to", to, "--encryptionEnv", secretEnv, "--backup-recipients", recipients)
}

func noFile(t *testing.T, path string) {
	t.Helper()
	for _, p := range []string{path, path + ".partial"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}
