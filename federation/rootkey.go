package federation

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"alertbutton/federation/keys"
	"alertbutton/federation/protocol"
)

// NewRootKey writes a new federation root private key to path (PKCS#8 PEM, mode 0600,
// never over an existing file) and returns its public key in base64url.
func NewRootKey(path string) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := keys.WriteSecret(path, data); err != nil {
		return "", fmt.Errorf("root key: %w (an existing key is never overwritten)", err)
	}
	return base64.RawURLEncoding.EncodeToString(pub), nil
}

// ReadRootKey reads a root private key written by NewRootKey.
func ReadRootKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("root key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("root key: %s holds no PRIVATE KEY PEM block", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("root key: %s: %w", path, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("root key: %s is not an Ed25519 key", path)
	}
	return priv, nil
}

// SignRosterFile signs an unsigned roster (the protocol.Roster JSON; issued_at defaults to
// now) with the root key.
func SignRosterFile(raw []byte, root ed25519.PrivateKey, now time.Time) ([]byte, error) {
	var r protocol.Roster
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("the roster is not JSON like {\"version\":2,\"entries\":[...]}: %w", err)
	}
	if len(r.Entries) == 0 {
		return nil, errors.New("the roster lists no consulate")
	}
	if r.IssuedAt.IsZero() {
		r.IssuedAt = now
	}
	return protocol.SignRoster(&r, root)
}
