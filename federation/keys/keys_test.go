package keys

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/golang-jwt/jwt/v5"
)

var keyFiles = []string{"vapid_p256.pem", "signing_ed25519.pem", "hpke_x25519.pem"}

func TestLoadOrCreateFilesAndModes(t *testing.T) {
	dataDir := t.TempDir()
	if _, err := LoadOrCreate(dataDir); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(dataDir, "keys")
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o700 {
		t.Fatalf("keys dir mode %04o, want 0700", mode)
	}
	for _, name := range keyFiles {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Fatalf("%s mode %04o, want 0600", name, mode)
		}
	}
}

func TestLoadOrCreateReloadsSameKeys(t *testing.T) {
	dataDir := t.TempDir()
	first, err := LoadOrCreate(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	second, err := LoadOrCreate(dataDir)
	if err != nil {
		t.Fatal(err)
	}

	if first.VAPIDPublicKey() != second.VAPIDPublicKey() || first.VAPIDPrivateKey() != second.VAPIDPrivateKey() {
		t.Fatal("VAPID key changed on reload")
	}
	if first.SigningKey() != second.SigningKey() || !first.Signer().Equal(second.Signer()) {
		t.Fatal("signing key changed on reload")
	}
	if first.SealKey() != second.SealKey() || !first.SealPrivate().Equal(second.SealPrivate()) {
		t.Fatal("seal key changed on reload")
	}

	other, err := LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if other.VAPIDPublicKey() == first.VAPIDPublicKey() || other.SigningKey() == first.SigningKey() || other.SealKey() == first.SealKey() {
		t.Fatal("two data directories got the same keys")
	}
}

func TestPublicKeyEncodings(t *testing.T) {
	k, err := LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	for name, s := range map[string]string{
		"VAPIDPublicKey": k.VAPIDPublicKey(), "VAPIDPrivateKey": k.VAPIDPrivateKey(),
		"SigningKey": k.SigningKey(), "SealKey": k.SealKey(),
	} {
		if strings.ContainsAny(s, "+/=") {
			t.Errorf("%s %q is not unpadded base64url", name, s)
		}
	}

	pub := decode(t, k.VAPIDPublicKey())
	if len(pub) != 65 || pub[0] != 0x04 {
		t.Fatalf("VAPID public key is not an uncompressed P-256 point: % x", pub)
	}
	if priv := decode(t, k.VAPIDPrivateKey()); len(priv) != 32 {
		t.Fatalf("VAPID private key is %d bytes, want 32", len(priv))
	}

	sealPub, err := ecdh.X25519().NewPublicKey(decode(t, k.SealKey()))
	if err != nil {
		t.Fatal(err)
	}
	if !sealPub.Equal(k.SealPrivate().PublicKey()) {
		t.Fatal("SealKey does not match SealPrivate")
	}
}

func TestVAPIDPairMatches(t *testing.T) {
	k, err := LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), decode(t, k.VAPIDPrivateKey()))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := priv.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(pub); got != k.VAPIDPublicKey() {
		t.Fatalf("public key of the private scalar is %s, VAPIDPublicKey is %s", got, k.VAPIDPublicKey())
	}
}

// TestVAPIDWithWebpush sends a push through webpush-go to a loopback push
// service and verifies the VAPID JWT it signed against our public key.
func TestVAPIDWithWebpush(t *testing.T) {
	k, err := LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	var authHeader string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authHeader = r.Header.Get("Authorization")
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	browserKey, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	sub := &webpush.Subscription{
		Endpoint: srv.URL + "/push/abc",
		Keys: webpush.Keys{
			P256dh: base64.RawURLEncoding.EncodeToString(browserKey.PublicKey().Bytes()),
			Auth:   base64.RawURLEncoding.EncodeToString(auth),
		},
	}
	resp, err := webpush.SendNotification([]byte(`{"type":"test"}`), sub, &webpush.Options{
		HTTPClient:      srv.Client(),
		Subscriber:      "it@example.org",
		TTL:             60,
		RecordSize:      2048,
		VAPIDPublicKey:  k.VAPIDPublicKey(),
		VAPIDPrivateKey: k.VAPIDPrivateKey(),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	token, pubParam, ok := strings.Cut(strings.TrimPrefix(authHeader, "vapid t="), ", k=")
	if !ok {
		t.Fatalf("unexpected Authorization header %q", authHeader)
	}
	if pubParam != k.VAPIDPublicKey() {
		t.Fatalf("header k=%s, want %s", pubParam, k.VAPIDPublicKey())
	}

	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), decode(t, k.VAPIDPublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}))
	if err != nil {
		t.Fatalf("VAPID JWT does not verify with VAPIDPublicKey: %v", err)
	}
	if aud, _ := parsed.Claims.GetAudience(); len(aud) != 1 || aud[0] != srv.URL {
		t.Fatalf("aud %v, want %s", aud, srv.URL)
	}
}

func TestSignatureVerifiesWithPublicString(t *testing.T) {
	k, err := LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"v":1,"id":"x"}`)
	sig := ed25519.Sign(k.Signer(), msg)

	pub := ed25519.PublicKey(decode(t, k.SigningKey()))
	if len(pub) != ed25519.PublicKeySize {
		t.Fatalf("signing key is %d bytes", len(pub))
	}
	if !ed25519.Verify(pub, msg, sig) {
		t.Fatal("signature does not verify with SigningKey")
	}
	if ed25519.Verify(pub, append(msg, ' '), sig) {
		t.Fatal("signature verifies a different message")
	}
}

func TestRefusesReadableKeyFile(t *testing.T) {
	for _, name := range keyFiles {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			if _, err := LoadOrCreate(dataDir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dataDir, "keys", name)
			before, _ := os.ReadFile(path)
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}

			_, err := LoadOrCreate(dataDir)
			if err == nil {
				t.Fatal("a 0644 key file was accepted")
			}
			for _, want := range []string{path, "0644", "chmod 600"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("the refused key file was rewritten")
			}
		})
	}
}

func TestRefusesCorruptKeyFile(t *testing.T) {
	otherType, err := os.ReadFile(filepath.Join(mustCreate(t), "keys", "signing_ed25519.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"garbage":   []byte("not a key\n"),
		"empty":     nil,
		"truncated": []byte("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n"),
		"wrong key": otherType,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			dataDir := mustCreate(t)
			path := filepath.Join(dataDir, "keys", "vapid_p256.pem")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}

			_, err := LoadOrCreate(dataDir)
			if err == nil {
				t.Fatal("a corrupt key file was accepted")
			}
			for _, want := range []string{path, "not a valid", "backup"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(data, after) {
				t.Fatal("the corrupt key file was regenerated")
			}
		})
	}
}

func TestCreatesOnlyMissingKeys(t *testing.T) {
	dataDir := t.TempDir()
	first, err := LoadOrCreate(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dataDir, "keys", "hpke_x25519.pem")); err != nil {
		t.Fatal(err)
	}
	second, err := LoadOrCreate(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if second.SigningKey() != first.SigningKey() || second.VAPIDPublicKey() != first.VAPIDPublicKey() {
		t.Fatal("existing keys changed")
	}
	if second.SealKey() == first.SealKey() {
		t.Fatal("the missing seal key was not made anew")
	}
}

func mustCreate(t *testing.T) string {
	t.Helper()
	dataDir := t.TempDir()
	if _, err := LoadOrCreate(dataDir); err != nil {
		t.Fatal(err)
	}
	return dataDir
}

func decode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%q is not unpadded base64url: %v", s, err)
	}
	return b
}
