package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnknownConsulateWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	out, code := run(t, "serve", "--consulate", "atlantis", "--dir", dir)
	if code == 0 || !strings.Contains(out, `unknown consulate code "atlantis"`) || !strings.Contains(out, "los-angeles") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the data directory was created: %v", err)
	}
}

func TestServeInfoKeysAndIdentity(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	a := start(t, dir, "fresno")

	res, err := http.Get(a.URL + "/api/alertbutton/info")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Consulate      struct{ Code, Name string }
		VAPIDPublicKey string
		Federation     struct{ SigningKey, SealKey string }
	}
	json.NewDecoder(res.Body).Decode(&info)
	res.Body.Close()
	if info.Consulate.Code != "fresno" || info.VAPIDPublicKey == "" || info.Federation.SigningKey == "" {
		t.Fatalf("info: %+v", info)
	}

	res, err = http.Get(a.URL + "/api/alertbutton/route?lat=36.7378&lon=-119.7871")
	if err != nil {
		t.Fatal(err)
	}
	var route struct{ Consulate string }
	json.NewDecoder(res.Body).Decode(&route)
	res.Body.Close()
	if route.Consulate != "fresno" {
		t.Errorf("Fresno routes to %q", route.Consulate)
	}

	entries, err := os.ReadDir(filepath.Join(dir, "keys"))
	if err != nil || len(entries) < 4 {
		t.Fatalf("keys: %v %v", entries, err)
	}
	for _, e := range entries {
		st, _ := e.Info()
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), st.Mode().Perm())
		}
	}
	a.stop()

	out, code := run(t, "serve", "--consulate", "los-angeles", "--dir", dir)
	if code == 0 || !strings.Contains(out, `belongs to the consulate "fresno"`) {
		t.Fatalf("serving fresno's data as los-angeles: exit %d\n%s", code, out)
	}

	out, code = run(t, "federation", "keys", "--dir", dir)
	if code == 0 || !strings.Contains(out, "--public-url") {
		t.Fatalf("federation keys without a public URL saved: exit %d\n%s", code, out)
	}
	out, code = run(t, "federation", "keys", "--dir", dir, "--url", "https://fresno.example")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var keys struct{ Code, URL, SigningKey, SealKey string }
	if code != 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &keys) != nil {
		t.Fatalf("federation keys: exit %d\n%s", code, out)
	}
	if keys.Code != "fresno" || keys.SigningKey != info.Federation.SigningKey || keys.SealKey != info.Federation.SealKey {
		t.Errorf("federation keys printed %+v, info said %+v", keys, info.Federation)
	}
}
