package appliance

import (
	"os"
	"path/filepath"
	"testing"
)

// The service's secret comes from systemd's credentials directory, not from its environment.
func TestLoadCredentialsFillsTheSecretFromTheCredentialsDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("0123456789abcdef0123456789abcdef\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	t.Setenv(SecretEnv, "")
	t.Setenv(SMSTokenEnv, "already-set")
	if err := LoadCredentials(); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv(SecretEnv); got != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("%s = %q, want the credential's content", SecretEnv, got)
	}
	if got := os.Getenv(SMSTokenEnv); got != "already-set" {
		t.Fatalf("a set variable was overwritten: %q", got)
	}
}

func TestParseProxies(t *testing.T) {
	ps, err := ParseProxies(" 127.0.0.1, 10.0.0.0/8 ,::1")
	if err != nil || len(ps) != 3 || ps[0].String() != "127.0.0.1/32" || ps[1].String() != "10.0.0.0/8" || ps[2].String() != "::1/128" {
		t.Fatalf("got %v %v", ps, err)
	}
	if _, err := ParseProxies("proxy.example.org"); err == nil {
		t.Fatal("a host name was taken as a proxy")
	}
}
