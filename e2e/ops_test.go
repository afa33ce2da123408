package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIInstallAndUninstall: install writes the unit into a throwaway root and says what IT
// must still do; failures exit non-zero saying what to fix; uninstall keeps the data.
func TestCLIInstallAndUninstall(t *testing.T) {
	root := t.TempDir()
	unit := filepath.Join(root, "etc/systemd/system/alertbutton.service")
	want(t, true, "systemctl daemon-reload && systemctl enable --now alertbutton",
		"install", "--root", root, "--consulate", "fresno", "--public-url", "https://alerta.example.org", "--binary", binary)
	if b, err := os.ReadFile(unit); err != nil || !strings.Contains(string(b), "LoadCredential=secret:/etc/alertbutton/secret") {
		t.Fatalf("unit: %v\n%s", err, b)
	}
	want(t, false, `unknown consulate code "atlantis"`, "install", "--root", root, "--consulate", "atlantis", "--public-url", "https://alerta.example.org")
	want(t, true, "Kept: the data directory", "uninstall", "--root", root)
	want(t, false, "nothing to uninstall", "uninstall", "--root", root)
	if _, err := os.Stat(filepath.Join(root, "var/lib/alertbutton")); err != nil {
		t.Fatalf("uninstall removed the data directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "pb_data")); !os.IsNotExist(err) {
		t.Fatal("install made a PocketBase data directory")
	}
}

// TestServeReadsTheSecretFromItsCredential: as systemd starts it (LoadCredential=), serve
// reads the secret from $CREDENTIALS_DIRECTORY, so no key file is made next to the data;
// it is ready, and version reports the data directory's schema as current.
func TestServeReadsTheSecretFromItsCredential(t *testing.T) {
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "secret"), []byte("0123456789abcdef0123456789abcdef\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	t.Setenv("ALERTBUTTON_SECRET", "")
	dir := filepath.Join(t.TempDir(), "pb_data")
	want(t, true, "no data directory yet", "version", "--dir", dir)
	a := start(t, dir, "fresno", "--encryptionEnv", "ALERTBUTTON_SECRET")
	res, err := http.Get(a.URL + "/api/alertbutton/ready")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("ready: %d", res.StatusCode)
	}
	a.stop()
	if strings.Contains(a.output.String(), keyFileWarning) {
		t.Errorf("serve did not read the secret from its credential:\n%s", a.output)
	}
	if _, err := os.Stat(filepath.Join(dir, "keys/seal.key")); !os.IsNotExist(err) {
		t.Errorf("a key file was made next to the data: %v", err)
	}
	want(t, true, "up to date", "version", "--dir", dir)
}

// TestBinaryUpgradesThePreviousRelease: the built binary serves the previous release's data
// directory (hooks/upgrade/testdata), migrating it; version then says it is current.
func TestBinaryUpgradesThePreviousRelease(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	from := filepath.Join("..", "hooks", "upgrade", "testdata", "upgrade", "pb_data")
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	want(t, true, "to apply at the next start", "version", "--dir", dir)
	t.Setenv("ALERTBUTTON_UPGRADE_SECRET", "upgrade-fixture-secret-012345678")
	start(t, dir, "los-angeles", "--encryptionEnv", "ALERTBUTTON_UPGRADE_SECRET").stop()
	want(t, true, "up to date", "version", "--dir", dir)
}
