package protocol

import (
	"crypto/ecdh"
	"crypto/hpke"
	"encoding/base64"
	"fmt"
)

// The suite is fixed by envelope version 1:
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
var (
	kdf  = hpke.HKDFSHA256()
	aead = hpke.AES256GCM()
)

// minSealed is the X25519 encapsulated key plus the GCM tag.
const minSealed = 32 + 16

// Seal encrypts plaintext to the destination's X25519 key (base64url) and
// sets env.Sealed. The envelope's other fields must be final: origin,
// destination, alert, type and id are bound into the ciphertext.
func Seal(env *Envelope, plaintext []byte, destSealKey string) error {
	if err := env.checkHeader(); err != nil {
		return err
	}
	raw, ok := decodeKey(destSealKey, 32)
	if !ok {
		return fmt.Errorf("%w: seal key %q is not a base64url X25519 key", ErrMalformed, destSealKey)
	}
	pub, err := ecdh.X25519().NewPublicKey(raw)
	if err != nil {
		return fmt.Errorf("%w: seal key: %v", ErrMalformed, err)
	}
	pk, err := hpke.NewDHKEMPublicKey(pub)
	if err != nil {
		return err
	}
	ct, err := hpke.Seal(pk, kdf, aead, sealInfo(env), plaintext)
	if err != nil {
		return fmt.Errorf("protocol: seal: %w", err)
	}
	env.Sealed = base64.RawURLEncoding.EncodeToString(ct)
	return nil
}

// Open decrypts env.Sealed with this appliance's X25519 key.
func Open(env *Envelope, sealPriv *ecdh.PrivateKey) ([]byte, error) {
	if err := env.check(); err != nil {
		return nil, err
	}
	if sealPriv == nil {
		return nil, fmt.Errorf("%w: no key", ErrCannotOpen)
	}
	k, err := hpke.NewDHKEMPrivateKey(sealPriv)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCannotOpen, err)
	}
	ct, _ := base64.RawURLEncoding.Strict().DecodeString(env.Sealed)
	pt, err := hpke.Open(k, kdf, aead, sealInfo(env), ct)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCannotOpen, err)
	}
	return pt, nil
}

// sealInfo binds the ciphertext to its envelope, so that it cannot be moved
// into another one. The fields are validated and never hold a NUL.
func sealInfo(env *Envelope) []byte {
	b := []byte("alertbutton-federation-sealed-v1")
	for _, s := range []string{env.Origin, env.Destination, env.Alert, env.Type, env.ID} {
		b = append(b, 0)
		b = append(b, s...)
	}
	return b
}
