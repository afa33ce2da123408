package seal

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testEnv = "ALERTBUTTON_TEST_SEAL_SECRET"

const testSecret = "0123456789abcdef0123456789abcdef"

type warnings []string

func (w *warnings) warn(msg string) { *w = append(*w, msg) }

func TestLoadKeyFromEnv(t *testing.T) {
	t.Setenv(testEnv, testSecret)
	dataDir := t.TempDir()
	var w warnings

	keys, err := LoadKey(testEnv, dataDir, w.warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || len(keys[0]) != 32 {
		t.Fatalf("got %d keys, want one 32-byte key", len(keys))
	}
	if bytes.Equal(keys[0], []byte(testSecret)) {
		t.Fatal("the settings secret is used as the data key as is")
	}
	if len(w) != 0 {
		t.Fatalf("warned with a secret configured: %q", w)
	}
	if _, err := os.Stat(filepath.Join(dataDir, KeyFile)); !os.IsNotExist(err) {
		t.Fatalf("a key file was written with a secret configured (stat: %v)", err)
	}

	again, err := LoadKey(testEnv, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again[0], keys[0]) {
		t.Fatal("the same secret derived a different key")
	}

	t.Setenv(testEnv, testSecret[1:]+"!")
	other, err := LoadKey(testEnv, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other[0], keys[0]) {
		t.Fatal("a different secret derived the same key")
	}
}

func TestLoadKeyFromFile(t *testing.T) {
	dataDir := t.TempDir()
	var w warnings

	keys, err := LoadKey("", dataDir, w.warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || len(keys[0]) != 32 {
		t.Fatalf("got %d keys, want one 32-byte key", len(keys))
	}

	path := filepath.Join(dataDir, "keys", "seal.key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("seal.key mode %04o, want 0600", mode)
	}
	dirInfo, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if mode := dirInfo.Mode().Perm(); mode != 0o700 {
		t.Fatalf("keys dir mode %04o, want 0700", mode)
	}

	if len(w) != 1 {
		t.Fatalf("warned %d times, want once", len(w))
	}
	for _, want := range []string{path, "copy of the data directory", "--encryptionEnv", "32 characters", "apart from the backups"} {
		if !strings.Contains(w[0], want) {
			t.Errorf("warning %q does not mention %q", w[0], want)
		}
	}

	again, err := LoadKey("", dataDir, w.warn)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again[0], keys[0]) {
		t.Fatal("the key file was not reused")
	}
	if len(w) != 2 {
		t.Fatal("no warning on the second start with the key file")
	}
}

func TestLoadKeyEnvNamedButEmpty(t *testing.T) {
	t.Setenv(testEnv, "")
	var w warnings
	keys, err := LoadKey(testEnv, t.TempDir(), w.warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 {
		t.Fatalf("got %d keys, want 1", len(keys))
	}
	if len(w) != 1 || !strings.Contains(w[0], testEnv) {
		t.Fatalf("warning %q does not name the empty variable", w)
	}
}

func TestLoadKeyEnvAndFile(t *testing.T) {
	dataDir := t.TempDir()
	fileKeys, err := LoadKey("", dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := mustNew(t, fileKeys...).Seal("rec1", "address", "Calle 1")
	if err != nil {
		t.Fatal(err)
	}

	t.Setenv(testEnv, testSecret)
	var w warnings
	keys, err := LoadKey(testEnv, dataDir, w.warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || !bytes.Equal(keys[1], fileKeys[0]) || bytes.Equal(keys[0], fileKeys[0]) {
		t.Fatal("want the derived key first and the file key second")
	}
	if len(w) != 0 {
		t.Fatalf("warned with a secret configured: %q", w)
	}

	s := mustNew(t, keys...)
	if got, err := s.Open("rec1", "address", before); err != nil || got != "Calle 1" {
		t.Fatalf("data sealed before the secret was set does not open: %q, %v", got, err)
	}
	after, _ := s.Seal("rec1", "address", "Calle 2")
	if _, err := mustNew(t, fileKeys...).Open("rec1", "address", after); err == nil {
		t.Fatal("new data is still sealed with the file key")
	}
}

func TestLoadKeyShortEnvRejected(t *testing.T) {
	t.Setenv(testEnv, "too-short-secret")
	var w warnings
	_, err := LoadKey(testEnv, t.TempDir(), w.warn)
	if err == nil {
		t.Fatal("a 16-character secret was accepted")
	}
	if !strings.Contains(err.Error(), testEnv) || !strings.Contains(err.Error(), "32") {
		t.Fatalf("error %q does not name the variable and the minimum length", err)
	}
	if len(w) != 0 {
		t.Fatal("warned instead of failing")
	}
}

func TestLoadKeyRefusesBadFile(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		mode os.FileMode
		want string
	}{
		"readable": {[]byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o644, "chmod 600"},
		"corrupt":  {[]byte("not base64!\n"), 0o600, "not a valid key"},
		"short":    {[]byte("AAAA\n"), 0o600, "not a valid key"},
	} {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			path := filepath.Join(dataDir, KeyFile)
			os.MkdirAll(filepath.Dir(path), 0o700)
			if err := os.WriteFile(path, c.data, c.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, c.mode)

			_, err := LoadKey("", dataDir, nil)
			if err == nil {
				t.Fatal("a bad key file was accepted")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name the file and %q", err, c.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, c.data) {
				t.Fatal("the bad key file was replaced")
			}
		})
	}
}
