package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	jan = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jul = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
)

func testRoster() *Roster {
	return &Roster{
		Version:  3,
		IssuedAt: testNow,
		Entries: []RosterEntry{
			{
				Code: "los-angeles", URL: "https://la.consulado.example",
				SigningKeys: []RosterKey{
					{Key: pubString(otherSigner), NotBefore: jan, NotAfter: testNow},
					{Key: pubString(originSigner), NotBefore: testNow},
				},
				SealKey:             sealString(otherSeal),
				JurisdictionVersion: "2026-03-01",
			},
			{
				Code: "san-diego", URL: "http://127.0.0.1:8091",
				SigningKeys: []RosterKey{{Key: pubString(destSigner), NotBefore: jan, NotAfter: jul}},
				SealKey:     sealString(destSeal),
			},
		},
	}
}

func signedTestRoster(t testing.TB) []byte {
	t.Helper()
	b, err := SignRoster(testRoster(), rootKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRosterRoundTrip(t *testing.T) {
	b := signedTestRoster(t)
	r, err := ParseRoster(b, pub(rootKey))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, testRoster()) {
		t.Fatalf("round trip changed the roster:\n got %+v\nwant %+v", r, testRoster())
	}
	for _, want := range []string{`"version":3`, `"issued_at":"2026-03-14T15:09:26Z"`, `"signing_keys":[`,
		`"not_before":"2026-01-01T00:00:00Z"`, `"seal_key":"`, `"jurisdiction_version":"2026-03-01"`, `"signature":"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("roster %s lacks %s", b, want)
		}
	}
}

// TestRosterSurvivesReformatting: IT may pretty-print the file; the
// signature covers the content, not the layout.
func TestRosterSurvivesReformatting(t *testing.T) {
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, signedTestRoster(t), "", "  "); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseRoster(pretty.Bytes(), pub(rootKey)); err != nil {
		t.Fatal(err)
	}
}

func TestRosterSignature(t *testing.T) {
	b := signedTestRoster(t)
	if _, err := ParseRoster(b, pub(otherSigner)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("verified with another root: %v", err)
	}
	tampers := map[string][2]string{
		"url":     {"https://la.consulado.example", "https://la.attacker.example"},
		"version": {`"version":3`, `"version":4`},
		"window":  {`"not_after":"2026-07-01T00:00:00Z"`, `"not_after":"2027-07-01T00:00:00Z"`},
		"seal":    {sealString(destSeal), sealString(otherSeal)},
	}
	for name, tm := range tampers {
		changed := bytes.Replace(b, []byte(tm[0]), []byte(tm[1]), 1)
		if bytes.Equal(changed, b) {
			t.Fatalf("%s: nothing replaced", name)
		}
		if _, err := ParseRoster(changed, pub(rootKey)); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered %s: err %v, want ErrBadSignature", name, err)
		}
	}
	sig := `"signature":"`
	i := bytes.Index(b, []byte(sig)) + len(sig)
	unsigned := append(append([]byte{}, b[:i]...), b[i+86:]...)
	if _, err := ParseRoster(unsigned, pub(rootKey)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("empty signature: %v", err)
	}
}

func TestRosterStrict(t *testing.T) {
	b := signedTestRoster(t)
	cases := map[string][]byte{
		"not json":       []byte(`roster`),
		"unknown field":  bytes.Replace(b, []byte(`{"version"`), []byte(`{"hub":"x","version"`), 1),
		"entry field":    bytes.Replace(b, []byte(`{"code"`), []byte(`{"admin":true,"code"`), 1),
		"key field":      bytes.Replace(b, []byte(`{"key"`), []byte(`{"alg":"none","key"`), 1),
		"case variant":   bytes.Replace(b, []byte(`"version"`), []byte(`"Version"`), 1),
		"repeated":       bytes.Replace(b, []byte(`{"version":3`), []byte(`{"version":9,"version":3`), 1),
		"no signature":   bytes.Replace(b, []byte(`,"signature"`), []byte(`,"x"`), 1),
		"null entries":   []byte(`{"version":1,"issued_at":"2026-01-01T00:00:00Z","entries":null,"signature":"x"}`),
		"missing url":    bytes.Replace(b, []byte(`"url":"https://la.consulado.example",`), nil, 1),
		"oversize":       append(bytes.Repeat([]byte(" "), MaxRosterSize), b...),
		"trailing":       append(append([]byte{}, b...), '1'),
		"version string": bytes.Replace(b, []byte(`"version":3`), []byte(`"version":"3"`), 1),
	}
	for name, c := range cases {
		if _, err := ParseRoster(c, pub(rootKey)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", name, err)
		}
	}
}

// TestSignRosterRefusesInvalid: each refusal names the field at fault as the file spells it.
func TestSignRosterRefusesInvalid(t *testing.T) {
	cases := map[string]struct {
		edit  func(r *Roster)
		field string
	}{
		"version 0":        {func(r *Roster) { r.Version = 0 }, "(version)"},
		"no issued_at":     {func(r *Roster) { r.IssuedAt = time.Time{} }, "(issued_at)"},
		"duplicate code":   {func(r *Roster) { r.Entries[1].Code = "los-angeles" }, "(entries[].code)"},
		"shared key":       {func(r *Roster) { r.Entries[1].SigningKeys[0].Key = pubString(originSigner) }, "(signing_keys[].key)"},
		"bad code":         {func(r *Roster) { r.Entries[0].Code = "Los Angeles" }, "(code)"},
		"http url":         {func(r *Roster) { r.Entries[0].URL = "http://la.consulado.example" }, "(url)"},
		"no signing key":   {func(r *Roster) { r.Entries[0].SigningKeys = nil }, "entry los-angeles has no signing key (signing_keys[].key)"},
		"bad signing key":  {func(r *Roster) { r.Entries[0].SigningKeys[0].Key = "abc" }, "(signing_keys[].key)"},
		"no not_before":    {func(r *Roster) { r.Entries[0].SigningKeys[0].NotBefore = time.Time{} }, "not_before"},
		"window backwards": {func(r *Roster) { r.Entries[1].SigningKeys[0].NotAfter = jan }, "not_after"},
		"bad seal key":     {func(r *Roster) { r.Entries[0].SealKey = pubString(originSigner) + "AA" }, "(seal_key)"},
		"bad revoked key":  {func(r *Roster) { r.Entries[0].RevokedKeys = []string{"x"} }, "(revoked_keys[])"},
		"bad jurisdiction": {func(r *Roster) { r.Entries[0].JurisdictionVersion = "a b" }, "jurisdiction_version"},
	}
	for name, c := range cases {
		r := testRoster()
		c.edit(r)
		_, err := SignRoster(r, rootKey)
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInsecureURL) {
			t.Errorf("%s: err %v, want it refused", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %q does not name the field %s", name, err, c.field)
		}
	}
	if _, err := SignRoster(testRoster(), rootKey[:31]); !errors.Is(err, ErrMalformed) {
		t.Errorf("short root key: %v", err)
	}
}

func TestRosterNewer(t *testing.T) {
	v3, v4 := testRoster(), testRoster()
	v4.Version = 4
	if !v4.Newer(v3) || v3.Newer(v4) || v3.Newer(testRoster()) {
		t.Fatal("Newer does not order by version, or accepts an equal version")
	}
	if !v3.Newer(nil) {
		t.Fatal("a first roster is not newer than none")
	}
}

func TestRosterKeyValid(t *testing.T) {
	r := testRoster()
	la := "los-angeles"
	cases := []struct {
		name      string
		code, key string
		at        time.Time
		want      bool
	}{
		{"current key, now", la, pubString(originSigner), testNow, true},
		{"current key, before its window", la, pubString(originSigner), testNow.Add(-time.Second), false},
		{"current key, open ended", la, pubString(originSigner), testNow.AddDate(5, 0, 0), true},
		{"old key, inside its window", la, pubString(otherSigner), testNow.Add(-time.Second), true},
		{"old key, at its not_after", la, pubString(otherSigner), testNow, false},
		{"old key, before its window", la, pubString(otherSigner), jan.Add(-time.Second), false},
		{"old key, at its not_before", la, pubString(otherSigner), jan, true},
		{"another consulate's key", la, pubString(destSigner), testNow, false},
		{"unknown consulate", "tijuana", pubString(originSigner), testNow, false},
		{"bounded key, inside", "san-diego", pubString(destSigner), testNow, true},
		{"bounded key, after", "san-diego", pubString(destSigner), jul, false},
	}
	for _, c := range cases {
		if got := r.KeyValid(c.code, c.key, c.at); got != c.want {
			t.Errorf("%s: KeyValid = %v, want %v", c.name, got, c.want)
		}
	}

	r.Entries[0].RevokedKeys = []string{pubString(otherSigner)}
	if r.KeyValid(la, pubString(otherSigner), testNow.Add(-time.Second)) {
		t.Error("a revoked key is valid inside its window")
	}
	if !r.KeyValid(la, pubString(originSigner), testNow) {
		t.Error("revoking one key revoked the other")
	}
	b, err := SignRoster(r, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseRoster(b, pub(rootKey))
	if err != nil {
		t.Fatal(err)
	}
	if parsed.KeyValid(la, pubString(otherSigner), testNow.Add(-time.Second)) {
		t.Error("revocation lost in the signed roster")
	}
	var nilRoster *Roster
	if nilRoster.KeyValid(la, pubString(originSigner), testNow) {
		t.Error("a nil roster trusts a key")
	}
}
