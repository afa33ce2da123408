// Package keys holds this appliance's long-term keys: the VAPID key for web
// push, the Ed25519 key that signs federation messages and the X25519 key
// peers seal (HPKE) messages to.
//
// They are made on first start and kept in dataDir/keys (0700), one PKCS#8
// PEM file per key (0600), readable with openssl:
//
//	vapid_p256.pem      ECDSA P-256, web push (VAPID)
//	signing_ed25519.pem Ed25519, federation signatures
//	hpke_x25519.pem     X25519, federation HPKE sealing
//
// A key file is never regenerated once it exists: a new VAPID key would
// orphan every push subscription and new federation keys would break every
// peer's trust. A file that is corrupt or readable by group or others is
// refused with an error naming the file and the fix.
package keys

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Dir is the keys directory, relative to the data directory.
const Dir = "keys"

// Keys are this appliance's long-term private keys.
type Keys struct {
	vapid  *ecdsa.PrivateKey
	signer ed25519.PrivateKey
	seal   *ecdh.PrivateKey

	vapidPublic  string
	vapidPrivate string
}

// LoadOrCreate loads the keys from dataDir/keys, making the missing ones.
func LoadOrCreate(dataDir string) (*Keys, error) {
	dir := filepath.Join(dataDir, Dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keys: create %s: %w", dir, err)
	}

	k := &Keys{}
	var err error

	k.vapid, err = loadOrCreate(filepath.Join(dir, "vapid_p256.pem"), vapidSpec)
	if err != nil {
		return nil, err
	}
	k.signer, err = loadOrCreate(filepath.Join(dir, "signing_ed25519.pem"), signingSpec)
	if err != nil {
		return nil, err
	}
	k.seal, err = loadOrCreate(filepath.Join(dir, "hpke_x25519.pem"), sealSpec)
	if err != nil {
		return nil, err
	}

	pub, err := k.vapid.PublicKey.Bytes()
	if err != nil {
		return nil, fmt.Errorf("keys: vapid public key: %w", err)
	}
	priv, err := k.vapid.Bytes()
	if err != nil {
		return nil, fmt.Errorf("keys: vapid private key: %w", err)
	}
	k.vapidPublic = base64.RawURLEncoding.EncodeToString(pub)
	k.vapidPrivate = base64.RawURLEncoding.EncodeToString(priv)

	return k, nil
}

// VAPIDPublicKey returns the uncompressed P-256 point, base64url without
// padding: what browsers take as applicationServerKey.
func (k *Keys) VAPIDPublicKey() string {
	return k.vapidPublic
}

// VAPIDPrivateKey returns the raw 32-byte scalar, base64url without padding,
// as webpush.Options.VAPIDPrivateKey expects.
func (k *Keys) VAPIDPrivateKey() string {
	return k.vapidPrivate
}

// SigningKey returns the Ed25519 public key, base64url without padding.
func (k *Keys) SigningKey() string {
	return base64.RawURLEncoding.EncodeToString(k.signer.Public().(ed25519.PublicKey))
}

// SealKey returns the X25519 public key, base64url without padding.
func (k *Keys) SealKey() string {
	return base64.RawURLEncoding.EncodeToString(k.seal.PublicKey().Bytes())
}

// Signer returns the Ed25519 private key.
func (k *Keys) Signer() ed25519.PrivateKey {
	return k.signer
}

// SealPrivate returns the X25519 private key, to open what peers sealed to us.
func (k *Keys) SealPrivate() *ecdh.PrivateKey {
	return k.seal
}

var vapidSpec = keySpec[*ecdsa.PrivateKey]{
	what:   "ECDSA P-256 (VAPID)",
	breaks: "every web push subscription",
	generate: func() (*ecdsa.PrivateKey, error) {
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	},
	check: func(k *ecdsa.PrivateKey) error {
		if k.Curve != elliptic.P256() {
			return errors.New("not a P-256 key")
		}
		return nil
	},
}

var signingSpec = keySpec[ed25519.PrivateKey]{
	what:   "Ed25519 (federation signing)",
	breaks: "every peer's trust in this consulate",
	generate: func() (ed25519.PrivateKey, error) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	},
}

var sealSpec = keySpec[*ecdh.PrivateKey]{
	what:   "X25519 (federation sealing)",
	breaks: "every peer's ability to send alerts here",
	generate: func() (*ecdh.PrivateKey, error) {
		return ecdh.X25519().GenerateKey(rand.Reader)
	},
	check: func(k *ecdh.PrivateKey) error {
		if k.Curve() != ecdh.X25519() {
			return errors.New("not an X25519 key")
		}
		return nil
	},
}
