package federation

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
)

// Trust kinds (consulates.trust).
const (
	TrustDirect = "direct"
	TrustRoster = "roster"
)

// ErrNotTrusted is a consulate this appliance has no trusted keys for.
var ErrNotTrusted = errors.New("federation: not a trusted peer")

// Peer is a consulate this appliance trusts, as stored on its consulates row.
type Peer struct {
	Code       string
	URL        string
	Trust      string
	SigningKey string // the current one
	SealKey    string
	Keys       []protocol.RosterKey
	Revoked    []string
}

// LoadPeer returns the trusted peer with the given code, or an error wrapping ErrNotTrusted.
func LoadPeer(app core.App, code string) (*Peer, error) {
	r, err := app.FindFirstRecordByData("consulates", "code", code)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a known consulate", ErrNotTrusted, code)
	}
	p := peerOf(r)
	if p.Trust == "" || len(p.Keys) == 0 || p.SealKey == "" || p.URL == "" {
		return nil, fmt.Errorf("%w: %s (add it with `federation peer add` or import a roster that lists it)", ErrNotTrusted, code)
	}
	return p, nil
}

func peerOf(r *core.Record) *Peer {
	p := &Peer{
		Code:       r.GetString("code"),
		URL:        r.GetString("public_url"),
		Trust:      r.GetString("trust"),
		SigningKey: r.GetString("signing_key"),
		SealKey:    r.GetString("seal_key"),
	}
	r.UnmarshalJSONField("signing_keys", &p.Keys)
	r.UnmarshalJSONField("revoked_keys", &p.Revoked)
	return p
}

// KeyValid reports whether key signed for this peer at the time at: inside its window and
// not revoked.
func (p *Peer) KeyValid(key string, at time.Time) bool {
	r := protocol.Roster{Entries: []protocol.RosterEntry{{Code: p.Code, SigningKeys: p.Keys, RevokedKeys: p.Revoked}}}
	return r.KeyValid(p.Code, key, at)
}

// KeysAt returns the peer's signing keys valid at the time at.
func (p *Peer) KeysAt(at time.Time) []ed25519.PublicKey {
	var out []ed25519.PublicKey
	for _, k := range p.Keys {
		if raw, ok := decodeKey(k.Key, ed25519.PublicKeySize); ok && p.KeyValid(k.Key, at) {
			out = append(out, raw)
		}
	}
	return out
}

// currentKey is the newest key valid at now, what signing_key shows.
func currentKey(keys []protocol.RosterKey, revoked []string, now time.Time) string {
	var best protocol.RosterKey
	for _, k := range keys {
		valid := !now.Before(k.NotBefore) && (k.NotAfter.IsZero() || now.Before(k.NotAfter))
		if valid && !slices.Contains(revoked, k.Key) && !k.NotBefore.Before(best.NotBefore) {
			best = k
		}
	}
	return best.Key
}

// storePeer writes the peer's trust onto its consulates row.
func storePeer(app core.App, r *core.Record, p *Peer) error {
	keys, err := json.Marshal(p.Keys)
	if err != nil {
		return err
	}
	revoked, err := json.Marshal(p.Revoked)
	if err != nil {
		return err
	}
	r.Set("trust", p.Trust)
	r.Set("public_url", p.URL)
	r.Set("signing_key", p.SigningKey)
	r.Set("seal_key", p.SealKey)
	r.Set("signing_keys", string(keys))
	r.Set("revoked_keys", string(revoked))
	return app.Save(r)
}

func decodeKey(s string, size int) ([]byte, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return b, err == nil && len(b) == size
}
