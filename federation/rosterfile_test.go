package federation_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
)

func newKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(pub)
}

func keysJSON(t *testing.T, k federation.PublicKeys) []byte {
	t.Helper()
	raw, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestRosterAddTakesTheKeysAsPrinted: `federation keys`' JSON goes into an unsigned roster
// that `roster sign` signs and an appliance verifies; replacing an entry says what changed,
// bumps the version once and keeps the old signing key for what it signed before.
func TestRosterAddTakesTheKeysAsPrinted(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	fresno := federation.PublicKeys{Code: "fresno", URL: "https://alerta.fresno.example", SigningKey: newKey(t), SealKey: newKey(t)}
	k, err := federation.ParsePublicKeys(keysJSON(t, fresno))
	if err != nil {
		t.Fatal(err)
	}
	v1, said, err := federation.AddToRoster(nil, k, now)
	if err != nil || !strings.Contains(strings.Join(said, "; "), "fresno added at https://alerta.fresno.example; new roster, version 1") {
		t.Fatalf("add to a new roster: %v %q", err, said)
	}
	same, said, _ := federation.AddToRoster(v1, k, now)
	if string(same) != string(v1) || !strings.Contains(said[0], "unchanged (version 1)") {
		t.Errorf("adding the same keys again changed the roster: %q", said)
	}

	rotated := fresno
	rotated.SigningKey = newKey(t)
	v2, said, err := federation.AddToRoster(v1, rotated, now.Add(time.Hour))
	if err != nil || !strings.Contains(strings.Join(said, "; "), "new signing key") || !strings.Contains(strings.Join(said, "; "), "version 1 -> 2") {
		t.Fatalf("rotation: %v %q", err, said)
	}
	pub, root, _ := ed25519.GenerateKey(rand.Reader)
	signed, err := federation.SignRosterFile(v2, root, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	r, err := protocol.ParseRoster(signed, pub)
	if err != nil || r.Version != 2 {
		t.Fatalf("signed roster: %v %+v", err, r)
	}
	if !r.KeyValid("fresno", fresno.SigningKey, now.Add(time.Minute)) || r.KeyValid("fresno", fresno.SigningKey, now.Add(2*time.Hour)) ||
		!r.KeyValid("fresno", rotated.SigningKey, now.Add(2*time.Hour)) {
		t.Errorf("after rotation the old key signs only before it, the new one after: %+v", r.Entries)
	}
}

// TestRosterAddNamesTheField: a wrong keys JSON is refused naming the field as it is spelt.
func TestRosterAddNamesTheField(t *testing.T) {
	t.Parallel()
	good := federation.PublicKeys{Code: "fresno", URL: "https://alerta.fresno.example", SigningKey: newKey(t), SealKey: newKey(t)}
	cases := map[string]struct {
		edit func(k *federation.PublicKeys)
		want string
	}{
		"no code":      {func(k *federation.PublicKeys) { k.Code = "" }, "(code)"},
		"unknown code": {func(k *federation.PublicKeys) { k.Code = "atlantis" }, "(code)"},
		"http url":     {func(k *federation.PublicKeys) { k.URL = "http://alerta.fresno.example" }, "(url)"},
		"signing key":  {func(k *federation.PublicKeys) { k.SigningKey = "" }, "(signingKey)"},
		"seal key":     {func(k *federation.PublicKeys) { k.SealKey = "abc" }, "(sealKey)"},
	}
	for name, c := range cases {
		k := good
		c.edit(&k)
		if _, err := federation.ParsePublicKeys(keysJSON(t, k)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want it to name %s", name, err, c.want)
		}
	}
	if _, err := federation.ParsePublicKeys([]byte(`{"version":1,"entries":[]}`)); err == nil || !strings.Contains(err.Error(), "federation keys") {
		t.Errorf("a roster given as keys: %v", err)
	}
	if _, _, err := federation.AddToRoster([]byte(`{"code":"fresno"}`), good, time.Now()); err == nil || !strings.Contains(err.Error(), "unsigned roster") {
		t.Errorf("keys given as the roster: %v", err)
	}
}
