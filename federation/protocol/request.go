package protocol

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request signature headers. Content-Digest is RFC 9530's; the others are
// this protocol's.
const (
	HeaderKeyID     = "Federation-Key-Id"
	HeaderCreated   = "Federation-Created"
	HeaderNonce     = "Federation-Nonce"
	HeaderDigest    = "Content-Digest"
	HeaderSignature = "Federation-Signature"
)

// Window is the design's request window: a request created more than this
// before or after the receiver's clock is refused.
const Window = 5 * time.Minute

const requestLabel = "alertbutton-federation-request-v1"

// Verified is what VerifyRequest established about a request.
type Verified struct {
	KeyID   string
	Code    string // the consulate code in KeyID
	Nonce   string
	Created time.Time
}

// SignRequest sets the signature headers on r, whose body is body. keyID is
// KeyID(code, signingKey) of the sender. The Host header is not signed, so a
// request still verifies through proxies and port forwards.
func SignRequest(r *http.Request, body []byte, keyID string, priv ed25519.PrivateKey, now time.Time) error {
	if _, _, err := ParseKeyID(keyID); err != nil {
		return err
	}
	if r.URL == nil {
		return fmt.Errorf("%w: request has no URL", ErrMalformed)
	}
	if len(priv) != ed25519.PrivateKeySize {
		return fmt.Errorf("%w: not an Ed25519 private key", ErrMalformed)
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	created := strconv.FormatInt(now.Unix(), 10)
	nonce := NewID()
	digest := contentDigest(body)
	sig := ed25519.Sign(priv, signingString(r, created, nonce, digest, keyID))

	r.Header.Set(HeaderKeyID, keyID)
	r.Header.Set(HeaderCreated, created)
	r.Header.Set(HeaderNonce, nonce)
	r.Header.Set(HeaderDigest, digest)
	r.Header.Set(HeaderSignature, base64.RawURLEncoding.EncodeToString(sig))
	return nil
}

// VerifyRequest checks r's signature headers against body (read by the caller
// with a limit, e.g. MaxEnvelopeSize) and returns who signed it.
//
// lookup returns the public key for a key id, or an error wrapping
// ErrUnknownKey for a key the caller does not trust at now; its other errors
// are returned wrapped as they are. window <= 0 means Window.
//
// Replays inside the window are the caller's to stop: it must refuse a
// (KeyID, Nonce) it has seen and keep nonces for at least 2 x window.
func VerifyRequest(r *http.Request, body []byte, lookup func(keyID string) (ed25519.PublicKey, error), now time.Time, window time.Duration) (Verified, error) {
	if window <= 0 {
		window = Window
	}
	h, err := requestHeaders(r)
	if err != nil {
		return Verified{}, err
	}

	created := time.Unix(h.created, 0).UTC()
	if age := now.Sub(created); age > window {
		return Verified{}, fmt.Errorf("%w: created %s, %s before now (window %s)", ErrExpired, created.Format(time.RFC3339), age.Round(time.Second), window)
	}
	if ahead := created.Sub(now); ahead > window {
		return Verified{}, fmt.Errorf("%w: created %s, %s after now (window %s); check the sender's clock", ErrFuture, created.Format(time.RFC3339), ahead.Round(time.Second), window)
	}
	if h.digest != contentDigest(body) {
		return Verified{}, fmt.Errorf("%w: the body is not what was signed", ErrDigestMismatch)
	}

	pub, err := lookup(h.keyID)
	if err != nil {
		if errors.Is(err, ErrUnknownKey) {
			return Verified{}, err
		}
		return Verified{}, fmt.Errorf("protocol: key lookup: %w", err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return Verified{}, fmt.Errorf("%w: %s", ErrUnknownKey, h.keyID)
	}
	if !ed25519.Verify(pub, signingString(r, h.createdRaw, h.nonce, h.digest, h.keyID), h.sig) {
		return Verified{}, fmt.Errorf("%w: request signature does not verify with %s", ErrBadSignature, h.keyID)
	}
	return Verified{KeyID: h.keyID, Code: h.code, Nonce: h.nonce, Created: created}, nil
}

type signedHeaders struct {
	keyID, code, createdRaw, nonce, digest string
	created                                int64
	sig                                    []byte
}

func requestHeaders(r *http.Request) (signedHeaders, error) {
	var h signedHeaders
	if r.URL == nil {
		return h, fmt.Errorf("%w: request has no URL", ErrMalformed)
	}
	var missing, repeated []string
	get := func(name string) string {
		v := r.Header.Values(name)
		if len(v) == 0 || v[0] == "" {
			missing = append(missing, name)
			return ""
		}
		if len(v) > 1 {
			repeated = append(repeated, name)
		}
		return v[0]
	}
	h.keyID = get(HeaderKeyID)
	h.createdRaw = get(HeaderCreated)
	h.nonce = get(HeaderNonce)
	h.digest = get(HeaderDigest)
	sig := get(HeaderSignature)
	if len(missing) > 0 {
		return h, fmt.Errorf("%w: %s", ErrMissingHeaders, strings.Join(missing, ", "))
	}
	if len(repeated) > 0 {
		return h, fmt.Errorf("%w: repeated %s", ErrMalformed, strings.Join(repeated, ", "))
	}

	var err error
	if h.code, _, err = ParseKeyID(h.keyID); err != nil {
		return h, fmt.Errorf("%w: bad %s", ErrMalformed, HeaderKeyID)
	}
	if h.created, err = parseUnix(h.createdRaw); err != nil {
		return h, fmt.Errorf("%w: bad %s %q", ErrMalformed, HeaderCreated, h.createdRaw)
	}
	if _, ok := decodeKey(h.nonce, 16); !ok {
		return h, fmt.Errorf("%w: bad %s %q (want 16 bytes, base64url)", ErrMalformed, HeaderNonce, h.nonce)
	}
	if !validDigest(h.digest) {
		return h, fmt.Errorf("%w: bad %s %q (want sha-256=:base64:)", ErrMalformed, HeaderDigest, h.digest)
	}
	var ok bool
	if h.sig, ok = decodeKey(sig, ed25519.SignatureSize); !ok {
		return h, fmt.Errorf("%w: %s is not a base64url Ed25519 signature", ErrBadSignature, HeaderSignature)
	}
	return h, nil
}

// signingString is what the request signature covers, one item a line.
func signingString(r *http.Request, created, nonce, digest, keyID string) []byte {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	return []byte(strings.Join([]string{
		requestLabel, method, r.URL.RequestURI(), created, nonce, digest, keyID,
	}, "\n"))
}

func contentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

func validDigest(s string) bool {
	b64, ok := strings.CutPrefix(s, "sha-256=:")
	if !ok {
		return false
	}
	b64, ok = strings.CutSuffix(b64, ":")
	if !ok {
		return false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(b64)
	return err == nil && len(b) == sha256.Size
}

// parseUnix accepts 1 to 12 decimal digits, no sign.
func parseUnix(s string) (int64, error) {
	if len(s) == 0 || len(s) > 12 {
		return 0, errors.New("bad length")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a number")
		}
	}
	return strconv.ParseInt(s, 10, 64)
}
