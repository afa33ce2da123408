package protocol

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// MaxRosterSize caps a roster file.
const MaxRosterSize = 1 << 20

const rosterLabel = "alertbutton-federation-roster-v1\n"

// Roster is the list of consulates a federation trusts, signed by its root
// key. Its signature covers the canonical JSON of these fields (the
// "signature" field aside), so reformatting the file does not break it.
type Roster struct {
	Version  int64         `json:"version"`
	IssuedAt time.Time     `json:"issued_at"`
	Entries  []RosterEntry `json:"entries"`
}

// RosterEntry is one consulate.
type RosterEntry struct {
	Code        string      `json:"code"`
	URL         string      `json:"url"`
	SigningKeys []RosterKey `json:"signing_keys"`
	// RevokedKeys are never valid, whatever their window said: a stolen key
	// could otherwise sign envelopes dated inside its old window.
	RevokedKeys         []string `json:"revoked_keys,omitempty"`
	SealKey             string   `json:"seal_key"`
	JurisdictionVersion string   `json:"jurisdiction_version,omitempty"`
}

// RosterKey is an Ed25519 signing key (base64url) and the window in which it
// signs: NotBefore inclusive, NotAfter exclusive, zero NotAfter for no end.
type RosterKey struct {
	Key       string    `json:"key"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after,omitzero"`
}

type signedRoster struct {
	Roster
	Signature string `json:"signature"`
}

// SignRoster checks r and returns it signed with the federation root key.
func SignRoster(r *Roster, root ed25519.PrivateKey) ([]byte, error) {
	if len(root) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: not an Ed25519 private key", ErrMalformed)
	}
	if r == nil {
		return nil, fmt.Errorf("%w: no roster", ErrMalformed)
	}
	c := r.normalized()
	if err := c.check(); err != nil {
		return nil, err
	}
	msg, err := c.signed()
	if err != nil {
		return nil, err
	}
	sig := base64.RawURLEncoding.EncodeToString(ed25519.Sign(root, msg))
	return json.Marshal(signedRoster{Roster: *c, Signature: sig})
}

// ParseRoster parses a roster strictly and verifies its signature with the
// federation root public key.
func ParseRoster(b []byte, root ed25519.PublicKey) (*Roster, error) {
	if len(b) > MaxRosterSize {
		return nil, fmt.Errorf("%w: roster is %d bytes, more than %d", ErrMalformed, len(b), MaxRosterSize)
	}
	r, sig, err := parseRoster(b)
	if err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	raw, ok := decodeKey(sig, ed25519.SignatureSize)
	if !ok {
		return nil, fmt.Errorf("%w: roster signature is not base64url Ed25519", ErrBadSignature)
	}
	msg, err := r.signed()
	if err != nil {
		return nil, err
	}
	if len(root) != ed25519.PublicKeySize || !ed25519.Verify(root, msg, raw) {
		return nil, fmt.Errorf("%w: roster is not signed by this federation's root key", ErrBadSignature)
	}
	return r, nil
}

// Newer reports whether r supersedes than; an importer refuses a roster that
// is not newer than the one it holds.
func (r *Roster) Newer(than *Roster) bool {
	return r != nil && (than == nil || r.Version > than.Version)
}

// Entry returns the entry for a consulate code.
func (r *Roster) Entry(code string) (RosterEntry, bool) {
	if r != nil {
		for _, e := range r.Entries {
			if e.Code == code {
				return e, true
			}
		}
	}
	return RosterEntry{}, false
}

// KeyValid reports whether key is code's signing key at the time at: for a
// request its created time, for an envelope its created_at, so a retired key
// still verifies what it signed while it was current.
func (r *Roster) KeyValid(code, key string, at time.Time) bool {
	e, ok := r.Entry(code)
	if !ok || slices.Contains(e.RevokedKeys, key) {
		return false
	}
	for _, k := range e.SigningKeys {
		if k.Key == key && !at.Before(k.NotBefore) && (k.NotAfter.IsZero() || at.Before(k.NotAfter)) {
			return true
		}
	}
	return false
}

// signed is what the root key signs.
func (r *Roster) signed() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return append([]byte(rosterLabel), b...), nil
}

// normalized returns a copy in canonical form: times in UTC, no nil lists.
func (r *Roster) normalized() *Roster {
	c := &Roster{Version: r.Version, IssuedAt: r.IssuedAt.UTC(), Entries: make([]RosterEntry, len(r.Entries))}
	for i, e := range r.Entries {
		e.SigningKeys = slices.Clone(e.SigningKeys)
		for j := range e.SigningKeys {
			k := &e.SigningKeys[j]
			k.NotBefore, k.NotAfter = k.NotBefore.UTC(), k.NotAfter.UTC()
		}
		e.RevokedKeys = slices.Clone(e.RevokedKeys)
		c.Entries[i] = e
	}
	return c
}

// check names the field at fault the way the roster file spells it, so that the central
// office can find it: "entry fresno has no signing key (signing_keys[].key)".
func (r *Roster) check() error {
	if r.Version < 1 {
		return fmt.Errorf("%w: roster version %d (version), must be 1 or more", ErrMalformed, r.Version)
	}
	if r.IssuedAt.IsZero() {
		return fmt.Errorf("%w: roster has no issue time (issued_at)", ErrMalformed)
	}
	codes := map[string]bool{}
	keys := map[string]string{}
	for i, e := range r.Entries {
		if !validCode(e.Code) {
			return fmt.Errorf("%w: entry %d (entries[%d]) has a bad code %q (code)", ErrMalformed, i+1, i, e.Code)
		}
		if err := e.check(); err != nil {
			return err
		}
		if codes[e.Code] {
			return fmt.Errorf("%w: roster lists %q twice (entries[].code)", ErrMalformed, e.Code)
		}
		codes[e.Code] = true
		for _, k := range e.SigningKeys {
			if other, ok := keys[k.Key]; ok {
				return fmt.Errorf("%w: signing key %s is listed for %q and %q (signing_keys[].key)", ErrMalformed, k.Key, other, e.Code)
			}
			keys[k.Key] = e.Code
		}
	}
	return nil
}

func (e RosterEntry) check() error {
	if err := CheckPeerURL(e.URL); err != nil {
		return fmt.Errorf("entry %s: %w (url)", e.Code, err)
	}
	if len(e.SigningKeys) == 0 {
		return fmt.Errorf("%w: entry %s has no signing key (signing_keys[].key)", ErrMalformed, e.Code)
	}
	for _, k := range e.SigningKeys {
		if _, ok := decodeKey(k.Key, ed25519.PublicKeySize); !ok {
			return fmt.Errorf("%w: entry %s: signing key %q (signing_keys[].key) is not a base64url Ed25519 key", ErrMalformed, e.Code, k.Key)
		}
		if k.NotBefore.IsZero() || !k.NotAfter.IsZero() && !k.NotAfter.After(k.NotBefore) {
			return fmt.Errorf("%w: entry %s: signing key %s has no valid window (signing_keys[].not_before, not_after)", ErrMalformed, e.Code, k.Key)
		}
	}
	for _, k := range e.RevokedKeys {
		if _, ok := decodeKey(k, ed25519.PublicKeySize); !ok {
			return fmt.Errorf("%w: entry %s: revoked key %q (revoked_keys[]) is not a base64url Ed25519 key", ErrMalformed, e.Code, k)
		}
	}
	if _, ok := decodeKey(e.SealKey, 32); !ok {
		return fmt.Errorf("%w: entry %s: seal key %q (seal_key) is not a base64url X25519 key", ErrMalformed, e.Code, e.SealKey)
	}
	if e.JurisdictionVersion != "" && !validToken(e.JurisdictionVersion) {
		return fmt.Errorf("%w: entry %s: bad jurisdiction_version %q", ErrMalformed, e.Code, e.JurisdictionVersion)
	}
	return nil
}
