package protocol

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	plain := []byte(`{"name":"Ana","phone":"+13105550100"}`)
	env := testEnvelope()
	if err := Seal(env, plain, sealString(destSeal)); err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseEnvelope(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Open(got, destSeal)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(plain) {
		t.Fatalf("opened %q, want %q", out, plain)
	}

	again := testEnvelope()
	if err := Seal(again, plain, sealString(destSeal)); err != nil {
		t.Fatal(err)
	}
	if again.Sealed == env.Sealed {
		t.Fatal("sealing twice gave the same ciphertext")
	}
}

func TestOpenWithWrongKey(t *testing.T) {
	env := sealedEnvelope(t)
	if _, err := Open(env, otherSeal); !errors.Is(err, ErrCannotOpen) {
		t.Fatalf("opened with another key: %v", err)
	}
	if _, err := Open(env, nil); !errors.Is(err, ErrCannotOpen) {
		t.Fatalf("opened with no key: %v", err)
	}
}

// TestSealedBlobCannotMove moves a sealed blob into envelopes that differ in
// one bound field each: none may open.
func TestSealedBlobCannotMove(t *testing.T) {
	sealed := sealedEnvelope(t).Sealed
	moves := map[string]func(*Envelope){
		"id":          func(e *Envelope) { e.ID = NewID() },
		"alert":       func(e *Envelope) { e.Alert = "0195f3a4-0000-7000-8000-000000000000" },
		"destination": func(e *Envelope) { e.Destination = "san-jose" },
		"origin":      func(e *Envelope) { e.Origin = "tijuana-fake" },
		"type":        func(e *Envelope) { e.Type = TypeStatus },
	}
	for name, move := range moves {
		t.Run(name, func(t *testing.T) {
			env := testEnvelope()
			move(env)
			env.Sealed = sealed
			if _, err := Open(env, destSeal); !errors.Is(err, ErrCannotOpen) {
				t.Fatalf("blob opened in an envelope with another %s: %v", name, err)
			}
		})
	}

	// The same blob in its own envelope still opens.
	env := testEnvelope()
	env.Sealed = sealed
	if _, err := Open(env, destSeal); err != nil {
		t.Fatal(err)
	}
}

func TestSealRefusesBadKeyOrEnvelope(t *testing.T) {
	for _, key := range []string{"", "abc", sealString(destSeal) + "A", pubString(originSigner) + "=="} {
		if err := Seal(testEnvelope(), []byte("{}"), key); !errors.Is(err, ErrMalformed) {
			t.Errorf("Seal with key %q: %v", key, err)
		}
	}
	env := testEnvelope()
	env.Destination = ""
	if err := Seal(env, []byte("{}"), sealString(destSeal)); !errors.Is(err, ErrMalformed) {
		t.Errorf("Seal of an envelope without destination: %v", err)
	}
}

func TestEnvelopeSignature(t *testing.T) {
	body, err := Marshal(sealedEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := SignEnvelope(body, originSigner)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyEnvelope(body, sig, pub(otherSigner), pub(originSigner)); err != nil {
		t.Fatalf("origin's signature refused: %v", err)
	}
	if err := VerifyEnvelope(body, sig, pub(otherSigner)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("verified with another key: %v", err)
	}
	if err := VerifyEnvelope(body, sig); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("verified with no key: %v", err)
	}
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-3] ^= 1
	if err := VerifyEnvelope(tampered, sig, pub(originSigner)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered envelope verified: %v", err)
	}
	// A signature of the bare bytes, made for another purpose, is not one.
	bare := base64.RawURLEncoding.EncodeToString(ed25519.Sign(originSigner, body))
	if err := VerifyEnvelope(body, bare, pub(originSigner)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("signature without the envelope label verified: %v", err)
	}
}
