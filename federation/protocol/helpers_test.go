package protocol

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"
)

// Fixed keys and clock, so tests and fuzz seeds are reproducible.
var (
	testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

	originSigner = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	destSigner   = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	otherSigner  = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	rootKey      = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32))

	destSeal  = mustX25519(5)
	otherSeal = mustX25519(6)
)

func mustX25519(b byte) *ecdh.PrivateKey {
	k, err := ecdh.X25519().NewPrivateKey(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

func pubString(k ed25519.PrivateKey) string {
	return base64.RawURLEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

func sealString(k *ecdh.PrivateKey) string {
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes())
}

func pub(k ed25519.PrivateKey) ed25519.PublicKey {
	return k.Public().(ed25519.PublicKey)
}

// testEnvelope returns an unsealed envelope from los-angeles to san-diego.
func testEnvelope() *Envelope {
	return &Envelope{
		V:           Version,
		ID:          "0195f3a4-7b1c-7d2e-9f00-1234567890ab",
		Type:        TypeCreated,
		Alert:       "0195f3a4-0000-7000-8000-abcdefabcdef",
		Origin:      "los-angeles",
		Destination: "san-diego",
		Seq:         1,
		CreatedAt:   testNow,
		Route:       Route{CountyGeoid: "06073", Basis: "point", Target: "san-diego", Home: "los-angeles"},
	}
}

// sealedEnvelope returns testEnvelope sealed to destSeal.
func sealedEnvelope(t testing.TB) *Envelope {
	t.Helper()
	env := testEnvelope()
	if err := Seal(env, []byte(`{"name":"Ana","note":"ICE at the corner"}`), sealString(destSeal)); err != nil {
		t.Fatal(err)
	}
	return env
}
