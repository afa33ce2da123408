package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func testKey(b byte) []byte {
	return bytes.Repeat([]byte{b}, 32)
}

func mustNew(t *testing.T, keys ...[]byte) *Sealer {
	t.Helper()
	s, err := New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	s := mustNew(t, testKey(1))
	for _, plain := range []string{"1990-05-17", "Calle 5 de Mayo 12, Tucson AZ", "ñandú 🇲🇽", strings.Repeat("x", 5000)} {
		sealed, err := s.Seal("rec123", "address", plain)
		if err != nil {
			t.Fatal(err)
		}
		if !IsSealed(sealed) {
			t.Fatalf("IsSealed(%q) = false", sealed)
		}
		if !strings.HasPrefix(sealed, "sealed:v1:") {
			t.Fatalf("sealed value %q lacks the version prefix", sealed)
		}
		for _, c := range sealed {
			if c > 0x7e || c < 0x20 {
				t.Fatalf("sealed value is not printable ASCII: %q", sealed)
			}
		}
		got, err := s.Open("rec123", "address", sealed)
		if err != nil {
			t.Fatal(err)
		}
		if got != plain {
			t.Fatalf("opened %q, want %q", got, plain)
		}
	}
}

func TestEmptyStaysEmpty(t *testing.T) {
	s := mustNew(t, testKey(1))
	sealed, err := s.Seal("rec123", "address", "")
	if err != nil || sealed != "" {
		t.Fatalf("Seal(\"\") = %q, %v; want \"\", nil", sealed, err)
	}
	opened, err := s.Open("rec123", "address", "")
	if err != nil || opened != "" {
		t.Fatalf("Open(\"\") = %q, %v; want \"\", nil", opened, err)
	}
	if IsSealed("") {
		t.Fatal("IsSealed(\"\") = true")
	}
}

func TestPlaintextNotInSealed(t *testing.T) {
	s := mustNew(t, testKey(1))
	plain := "A123456789"
	sealed, err := s.Seal("rec123", "a_number", plain)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, plain) ||
		strings.Contains(sealed, base64.RawURLEncoding.EncodeToString([]byte(plain))) ||
		strings.Contains(sealed, base64.StdEncoding.EncodeToString([]byte(plain))) {
		t.Fatalf("plaintext visible in %q", sealed)
	}
}

func TestRandomNonce(t *testing.T) {
	s := mustNew(t, testKey(1))
	a, _ := s.Seal("rec123", "note", "same text")
	b, _ := s.Seal("rec123", "note", "same text")
	if a == b {
		t.Fatal("sealing the same text twice gave the same value")
	}
}

func TestOpenFailures(t *testing.T) {
	s := mustNew(t, testKey(1))
	sealed, err := s.Seal("rec123", "address", "Calle 1")
	if err != nil {
		t.Fatal(err)
	}
	id, payload, _ := split(sealed)
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	flipped := bytes.Clone(raw)
	flipped[len(flipped)-1] ^= 1
	otherKey, _ := mustNew(t, testKey(2)).Seal("rec123", "address", "Calle 1")

	cases := []struct {
		name, record, field, value string
		want                       error
	}{
		{"wrong record", "rec999", "address", sealed, ErrTampered},
		{"wrong field", "rec123", "birth_date", sealed, ErrTampered},
		{"tampered", "rec123", "address", "sealed:v1:" + id + ":" + base64.RawURLEncoding.EncodeToString(flipped), ErrTampered},
		{"truncated", "rec123", "address", sealed[:len(sealed)-4], ErrTampered},
		{"truncated to nonce", "rec123", "address", "sealed:v1:" + id + ":" + base64.RawURLEncoding.EncodeToString(raw[:12]), ErrTampered},
		{"bad base64", "rec123", "address", "sealed:v1:" + id + ":***", ErrTampered},
		{"unknown key", "rec123", "address", otherKey, ErrUnknownKey},
		{"plaintext", "rec123", "address", "Calle 1", ErrNotSealed},
		{"garbage", "rec123", "address", "\x00\xff:sealed", ErrNotSealed},
		{"other version", "rec123", "address", strings.Replace(sealed, ":v1:", ":v2:", 1), ErrNotSealed},
		{"prefix only", "rec123", "address", "sealed:v1:", ErrNotSealed},
		{"no payload", "rec123", "address", "sealed:v1:" + id + ":", ErrNotSealed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Open(c.record, c.field, c.value)
			if !errors.Is(err, c.want) {
				t.Fatalf("Open = %q, %v; want error %v", got, err, c.want)
			}
			if got != "" {
				t.Fatalf("Open returned %q along with an error", got)
			}
		})
	}
}

func TestRecordAndFieldRequired(t *testing.T) {
	s := mustNew(t, testKey(1))
	for _, c := range [][2]string{{"", "address"}, {"rec123", ""}, {"rec\x00123", "address"}} {
		if _, err := s.Seal(c[0], c[1], "x"); err == nil {
			t.Errorf("Seal(%q, %q) did not fail", c[0], c[1])
		}
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := testKey(1), testKey(2)
	old := mustNew(t, oldKey)
	sealedOld, err := old.Seal("rec123", "phone", "+15205550100")
	if err != nil {
		t.Fatal(err)
	}

	rotated := mustNew(t, newKey, oldKey)
	got, err := rotated.Open("rec123", "phone", sealedOld)
	if err != nil || got != "+15205550100" {
		t.Fatalf("rotated Open = %q, %v", got, err)
	}

	sealedNew, err := rotated.Seal("rec123", "phone", "+15205550100")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Open("rec123", "phone", sealedNew); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("the rotated Sealer did not seal with the new key (old key opened it: %v)", err)
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	for name, keys := range map[string][][]byte{
		"none":      nil,
		"short":     {make([]byte, 16)},
		"duplicate": {testKey(1), testKey(1)},
		"nil":       {nil},
	} {
		if _, err := New(keys...); err == nil {
			t.Errorf("New with %s keys did not fail", name)
		}
	}
}

func TestIsSealed(t *testing.T) {
	for v, want := range map[string]bool{
		"":                         false,
		"Calle 1":                  false,
		"sealed:":                  false,
		"sealed:v1:":               false,
		"sealed:v1:0011aabb:":      false,
		"sealed:v1:zz11aabb:AAAA":  false,
		"sealed:v1:0011aabb:AAAA":  true,
		"sealed:v2:0011aabb:AAAA":  false,
		" sealed:v1:0011aabb:AAAA": false,
	} {
		if got := IsSealed(v); got != want {
			t.Errorf("IsSealed(%q) = %v, want %v", v, got, want)
		}
	}
}
