package service

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func trial(t *testing.T) Options {
	return Options{
		Consulate: "los-angeles", PublicURL: "https://alerta.consulado.example.org",
		Root: t.TempDir(), User: "alertbutton", DataDir: "/var/lib/alertbutton", Binary: "/bin/true",
	}
}

// install writes a hardened unit, a private data directory and a secret, and says what IT
// must still do; uninstall removes the unit and keeps the data and the secret.
func TestInstallInAThrowawayRoot(t *testing.T) {
	o := trial(t)
	var out bytes.Buffer
	if err := Install(&out, o); err != nil {
		t.Fatal(err)
	}
	unit := read(t, filepath.Join(o.Root, UnitPath))
	for _, want := range []string{
		"User=alertbutton", "Group=alertbutton", "ProtectSystem=strict", "ReadWritePaths=/var/lib/alertbutton",
		"NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes", "Restart=on-failure",
		"LoadCredential=secret:/etc/alertbutton/secret",
		"ExecStart=/bin/true serve alerta.consulado.example.org --dir /var/lib/alertbutton --consulate los-angeles --public-url https://alerta.consulado.example.org --encryptionEnv ALERTBUTTON_SECRET\n",
		"AmbientCapabilities=CAP_NET_BIND_SERVICE", "WantedBy=multi-user.target",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q:\n%s", want, unit)
		}
	}
	if strings.Contains(unit, "Environment") {
		t.Errorf("the unit passes something in the environment:\n%s", unit)
	}
	mode(t, filepath.Join(o.Root, o.DataDir), 0o700)
	mode(t, filepath.Join(o.Root, SecretPath), 0o600)
	secret := strings.TrimSpace(read(t, filepath.Join(o.Root, SecretPath)))
	if len(secret) != 32 {
		t.Fatalf("secret of %d characters, PocketBase needs 32", len(secret))
	}
	for _, want := range []string{"useradd --system", "DNS: point alerta.consulado.example.org", "ports 80 and 443",
		"backup-recipients", "systemctl daemon-reload && systemctl enable --now alertbutton"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the steps lack %q:\n%s", want, out.String())
		}
	}
	verify(t, filepath.Join(o.Root, UnitPath))

	// Again, with IT's recipients in place: the secret is kept, the unit passes them.
	os.WriteFile(filepath.Join(o.Root, RecipientsPath), []byte("age1...\n"), 0o644)
	out.Reset()
	if err := Install(&out, o); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(read(t, filepath.Join(o.Root, SecretPath))); got != secret {
		t.Fatal("install replaced the secret: the data sealed with it would no longer open")
	}
	if !strings.Contains(read(t, filepath.Join(o.Root, UnitPath)), "--backup-recipients /etc/alertbutton/backup-recipients") {
		t.Fatal("the unit does not pass the backup recipients")
	}

	os.WriteFile(filepath.Join(o.Root, o.DataDir, "data.db"), []byte("data"), 0o600)
	out.Reset()
	if err := Uninstall(&out, o.Root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(o.Root, UnitPath)); !os.IsNotExist(err) {
		t.Fatalf("the unit is still there: %v", err)
	}
	for _, kept := range []string{filepath.Join(o.Root, o.DataDir, "data.db"), filepath.Join(o.Root, SecretPath)} {
		if _, err := os.Stat(kept); err != nil {
			t.Fatalf("uninstall removed %s: %v", kept, err)
		}
	}
	if err := Uninstall(&out, o.Root); err == nil {
		t.Fatal("a second uninstall found a unit to remove")
	}
}

// Behind a proxy the service listens where the proxy forwards, believes its X-Forwarded-For,
// and needs no capability.
func TestInstallBehindAProxy(t *testing.T) {
	o := trial(t)
	o.HTTP, o.TrustedProxy = "127.0.0.1:8090", "127.0.0.1"
	var out bytes.Buffer
	if err := Install(&out, o); err != nil {
		t.Fatal(err)
	}
	unit := read(t, filepath.Join(o.Root, UnitPath))
	if !strings.Contains(unit, "serve --http 127.0.0.1:8090 --dir") || !strings.Contains(unit, "--trusted-proxy 127.0.0.1") ||
		!strings.Contains(unit, "AmbientCapabilities=\n") {
		t.Fatalf("unit:\n%s", unit)
	}
	verify(t, filepath.Join(o.Root, UnitPath))
}

// Wrong flags write nothing and say what to fix.
func TestInstallRefusesWhatWouldNotStart(t *testing.T) {
	for name, change := range map[string]func(o *Options){
		"unknown consulate":   func(o *Options) { o.Consulate = "narnia" },
		"http public URL":     func(o *Options) { o.PublicURL = "http://alerta.example.org" },
		"relative data dir":   func(o *Options) { o.DataDir = "pb_data" },
		"data dir with space": func(o *Options) { o.DataDir = "/var/lib/alert button" },
		"proxy without http":  func(o *Options) { o.TrustedProxy = "127.0.0.1" },
	} {
		o := trial(t)
		change(&o)
		if err := Install(&bytes.Buffer{}, o); err == nil {
			t.Errorf("%s: installed", name)
		}
		if entries, _ := os.ReadDir(o.Root); len(entries) != 0 {
			t.Errorf("%s: wrote %v", name, entries)
		}
	}
}

// verify runs systemd-analyze verify on the unit where it is installed.
func verify(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Log("systemd-analyze is not installed: the unit's content was checked only")
		return
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// Unknown keys and bad values are only warned about: any word about the unit fails.
	if strings.Contains(string(out), filepath.Base(path)) {
		t.Fatalf("systemd-analyze verify warns:\n%s", out)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != want {
		t.Fatalf("%s has mode %o, want %o", path, st.Mode().Perm(), want)
	}
}
