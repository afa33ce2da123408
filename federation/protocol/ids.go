package protocol

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

// NewID returns 128 random bits, base64url without padding (22 characters),
// for envelope ids and nonces.
func NewID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// KeyID names a consulate's signing key in request headers: "code:key", with
// the Ed25519 public key in base64url.
func KeyID(code, signingKey string) string {
	return code + ":" + signingKey
}

// ParseKeyID splits a key id made by KeyID and checks both halves.
func ParseKeyID(id string) (code, key string, err error) {
	code, key, ok := strings.Cut(id, ":")
	if !ok || !validCode(code) {
		return "", "", fmt.Errorf("%w: key id %q is not code:key", ErrMalformed, id)
	}
	if _, ok := decodeKey(key, ed25519.PublicKeySize); !ok {
		return "", "", fmt.Errorf("%w: key id %q does not hold a base64url Ed25519 key", ErrMalformed, id)
	}
	return code, key, nil
}

// validID accepts UUIDs, ULIDs and NewID's output: 16 to 64 of A-Z a-z 0-9 - _.
func validID(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// validCode accepts consulate codes such as "los-angeles".
func validCode(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}

// validToken accepts short printable ASCII without spaces, for values such as
// a route basis or a jurisdiction table version.
func validToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == '\\' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// decodeKey decodes an unpadded base64url key of exactly size bytes.
func decodeKey(s string, size int) ([]byte, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != size {
		return nil, false
	}
	return b, true
}
