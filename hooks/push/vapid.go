package push

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// vapidRenewAfter is how long a signed VAPID token is reused for one push service: half
// its lifetime, so that a push service whose clock is hours ahead still accepts it.
const vapidRenewAfter = vapidLifetime / 2

// vapid makes the Authorization header of RFC 8292 for a push service's origin. It signs
// one token per origin and reuses it until vapidRenewAfter: an ECDSA signature per
// message cost more CPU than encrypting the message.
type vapid struct {
	key     *ecdsa.PrivateKey
	keyErr  error
	public  string // the public key in base64url, for "k="
	subject string // "mailto:…" or an https URL
	now     func() time.Time

	mu     sync.Mutex
	tokens map[string]vapidToken // by origin
}

type vapidToken struct {
	header  string
	renewAt time.Time
}

func newVAPID(public, private, subject string) *vapid {
	v := &vapid{subject: subject, now: time.Now, tokens: map[string]vapidToken{}}
	if !strings.HasPrefix(subject, "https:") {
		v.subject = "mailto:" + subject
	}
	rawPublic, okPublic := decodeKey(public)
	rawPrivate, okPrivate := decodeKey(private)
	if !okPublic || !okPrivate {
		v.keyErr = errors.New("push: the VAPID keys are not base64")
		return v
	}
	v.public = base64.RawURLEncoding.EncodeToString(rawPublic)
	v.key, v.keyErr = ecdsa.ParseRawPrivateKey(elliptic.P256(), rawPrivate)
	return v
}

// header returns "vapid t=TOKEN, k=KEY" for origin ("https://host[:port]").
func (v *vapid) header(origin string) (string, error) {
	if v.keyErr != nil {
		return "", v.keyErr
	}
	now := v.now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.tokens[origin]; ok && now.Before(t.renewAt) {
		return t.header, nil
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"aud": origin,
		"exp": now.Add(vapidLifetime).Unix(),
		"sub": v.subject,
	}).SignedString(v.key)
	if err != nil {
		return "", err
	}
	v.forgetOld(now)
	t := vapidToken{header: "vapid t=" + token + ", k=" + v.public, renewAt: now.Add(vapidRenewAfter)}
	v.tokens[origin] = t
	return t.header, nil
}

// forgetOld drops the tokens due for renewal, so that the map holds only the origins in use.
func (v *vapid) forgetOld(now time.Time) {
	for origin, t := range v.tokens {
		if !now.Before(t.renewAt) {
			delete(v.tokens, origin)
		}
	}
}
