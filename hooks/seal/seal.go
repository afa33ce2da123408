// Package seal seals personal-data fields at rest with AES-256-GCM.
//
// A sealed value is an ASCII string:
//
//	sealed:v1:<keyid>:<base64url(nonce || ciphertext)>
//
// where keyid is 8 hex characters naming the key (a hash of it, not the key)
// and the associated data is recordID + "\x00" + field, so a value copied to
// another record or field does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const prefix = "sealed:v1:"

var (
	ErrNotSealed  = errors.New("seal: value is not sealed")
	ErrUnknownKey = errors.New("seal: value was sealed with a key this appliance does not have")
	ErrTampered   = errors.New("seal: value does not open: it was altered, or sealed for another record or field")
)

// Sealer seals with its first key and opens with any of its keys.
type Sealer struct {
	sealID string
	aeads  map[string]cipher.AEAD // by key id
}

// New returns a Sealer that seals with keys[0] and opens with all keys,
// so old keys can be kept for opening while rotating. Each key is 32 bytes.
func New(keys ...[]byte) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no key")
	}
	s := &Sealer{aeads: make(map[string]cipher.AEAD, len(keys))}
	for i, key := range keys {
		if len(key) != 32 {
			return nil, fmt.Errorf("seal: key %d is %d bytes, want 32", i, len(key))
		}
		id := keyID(key)
		if _, dup := s.aeads[id]; dup {
			return nil, fmt.Errorf("seal: key %d is given twice", i)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		// Nonces are 12 random bytes, prepended to the ciphertext.
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, err
		}
		s.aeads[id] = aead
		if i == 0 {
			s.sealID = id
		}
	}
	return s, nil
}

// Seal seals plaintext for the given record and field. An empty plaintext
// stays empty, so empty fields stay empty.
func (s *Sealer) Seal(recordID, field, plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	ad, err := associatedData(recordID, field)
	if err != nil {
		return "", err
	}
	out := s.aeads[s.sealID].Seal(nil, nil, []byte(plaintext), ad)
	return prefix + s.sealID + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open opens a value sealed for the given record and field. An empty value
// opens to an empty string.
func (s *Sealer) Open(recordID, field, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	id, payload, ok := split(sealed)
	if !ok {
		return "", ErrNotSealed
	}
	aead, ok := s.aeads[id]
	if !ok {
		return "", fmt.Errorf("%w (key id %s)", ErrUnknownKey, id)
	}
	ad, err := associatedData(recordID, field)
	if err != nil {
		return "", err
	}
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || len(data) < aead.Overhead() {
		return "", ErrTampered
	}
	plain, err := aead.Open(nil, nil, data, ad)
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// IsSealed reports whether v has the form of a sealed value. It says nothing
// about whether v opens, and anyone can type a string of this form, so it is
// no reason to skip sealing a value that came from a request.
func IsSealed(v string) bool {
	_, _, ok := split(v)
	return ok
}

func split(v string) (id, payload string, ok bool) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return "", "", false
	}
	id, payload, ok = strings.Cut(rest, ":")
	if !ok || len(id) != 8 || payload == "" {
		return "", "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", "", false
	}
	return id, payload, true
}

func associatedData(recordID, field string) ([]byte, error) {
	if recordID == "" || field == "" {
		return nil, errors.New("seal: record id and field name are required (set the record id before sealing)")
	}
	if strings.Contains(recordID, "\x00") || strings.Contains(field, "\x00") {
		return nil, errors.New("seal: record id and field name must not contain NUL")
	}
	return []byte(recordID + "\x00" + field), nil
}

func keyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("alertbutton seal key id\x00"), key...))
	return hex.EncodeToString(sum[:4])
}
