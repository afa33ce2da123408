package protocol

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpenSealed is the receiving side of a sealed envelope: whatever a peer sends as an
// envelope, parsed and then opened with this appliance's key. It must never panic; every
// error is ErrMalformed or ErrCannotOpen; and what opens was sealed to this key for exactly
// this envelope, so changing any bound field stops it opening. Seeds:
// testdata/fuzz/FuzzOpenSealed (go test -run TestWriteOpenSeeds -update-seeds).
func FuzzOpenSealed(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { checkOpenSealed(t, b) })
}

func checkOpenSealed(t *testing.T, b []byte) bool {
	env, err := ParseEnvelope(b)
	if err != nil {
		return false
	}
	plain, err := Open(env, destSeal)
	if err != nil {
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrCannotOpen) {
			t.Fatalf("Open error %v is neither ErrMalformed nor ErrCannotOpen", err)
		}
		if plain != nil {
			t.Fatalf("Open returned %q with an error", plain)
		}
		return false
	}
	moved := *env
	moved.Alert = "0195f3a4-0000-7000-8000-000000000000"
	if moved.Alert == env.Alert {
		moved.Alert = "0195f3a4-0000-7000-8000-111111111111"
	}
	if _, err := Open(&moved, destSeal); err == nil {
		t.Fatal("the sealed content opened in an envelope about another alert")
	}
	if _, err := Open(env, mustX25519(9)); err == nil {
		t.Fatal("the sealed content opened with another key")
	}
	return true
}

func TestWriteOpenSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-seeds to rewrite testdata/fuzz")
	}
	env := sealedEnvelope(t)
	valid, err := Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	other := testEnvelope()
	Seal(other, []byte(`{}`), sealString(mustX25519(9)))
	otherKey, _ := Marshal(other)
	moved := *env
	moved.ID = "0195f3a4-7b1c-7d2e-9f00-ffffffffffff"
	movedRaw, _ := Marshal(&moved)
	seeds := map[string][]byte{
		"valid":          valid,
		"other-key":      otherKey,
		"moved-id":       movedRaw,
		"sealed-empty":   bytes.Replace(valid, []byte(env.Sealed), nil, 1),
		"sealed-short":   bytes.Replace(valid, []byte(env.Sealed), []byte(env.Sealed[:20]), 1),
		"sealed-padded":  bytes.Replace(valid, []byte(env.Sealed), []byte(env.Sealed+"=="), 1),
		"sealed-std-b64": bytes.Replace(valid, []byte(env.Sealed), bytes.ReplaceAll([]byte(env.Sealed), []byte("-"), []byte("+")), 1),
		"sealed-flipped": bytes.Replace(valid, []byte(env.Sealed[10:14]), []byte("AAAA"), 1),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzOpenSealed")
	os.RemoveAll(dir)
	os.MkdirAll(dir, 0o755)
	for name, b := range seeds {
		if err := os.WriteFile(filepath.Join(dir, name), encodeSeed([]any{b}), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOpenSeedsReachValidPaths keeps the corpus deep: some seeds open, some do not.
func TestOpenSeedsReachValidPaths(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzOpenSealed", "*"))
	opened, refused := 0, 0
	for _, f := range files {
		if checkOpenSealed(t, readSeed(t, f)[0].([]byte)) {
			opened++
		} else {
			refused++
		}
	}
	if opened == 0 || refused < 3 {
		t.Fatalf("FuzzOpenSealed corpus: %d seeds open, %d do not; want some of each", opened, refused)
	}
}
