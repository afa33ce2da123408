package federation

import (
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/records"
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

// LoadPeer returns the trusted peer with the given code, an error wrapping ErrNotTrusted, or
// the database's error (not a verdict: the inbox answers 500 and the sender tries again).
func LoadPeer(app core.App, code string) (*Peer, error) {
	r, err := app.FindFirstRecordByData("consulates", "code", code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s is not a known consulate", ErrNotTrusted, code)
	}
	if err != nil {
		return nil, err // the database failed: not a verdict on the peer
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
	return records.Save(app, r)
}

func decodeKey(s string, size int) ([]byte, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return b, err == nil && len(b) == size
}

// maxPeerAge bounds how long a cached peer is used: a change made by another process (the
// CLI against the same data) is not seen by this one's hooks.
const maxPeerAge = 5 * time.Second

// peerCache holds the trusted peers as LoadPeer read them, so that the inbox and the relay
// do not read and decode a consulates row for every envelope. Saving or deleting any
// consulates row in this process empties it.
type peerCache struct {
	mu    sync.Mutex
	gen   uint64 // counts the emptyings, so that a read that raced one is not kept
	peers map[string]cachedPeer
}

type cachedPeer struct {
	peer   *Peer
	loaded time.Time
}

// bindPeerCache returns a peer cache for app, emptied after every change to consulates.
func bindPeerCache(app core.App) *peerCache {
	c := &peerCache{peers: map[string]cachedPeer{}}
	records.OnCommittedChange(app, "consulates", c.empty)
	return c
}

// load is LoadPeer through the cache (straight from the database when c is nil). The peer
// returned is shared: read it, never change it. Inside a transaction that may change the
// peer, use LoadPeer.
func (c *peerCache) load(app core.App, code string) (*Peer, error) {
	if c == nil {
		return LoadPeer(app, code)
	}
	return c.loadAt(app, code, time.Now())
}

func (c *peerCache) loadAt(app core.App, code string, now time.Time) (*Peer, error) {
	c.mu.Lock()
	p, ok := c.peers[code]
	gen := c.gen
	c.mu.Unlock()
	if ok && !now.Before(p.loaded) && now.Sub(p.loaded) < maxPeerAge {
		return p.peer, nil
	}
	peer, err := LoadPeer(app, code)
	if err != nil {
		return nil, err // not kept: the code may come from anyone's request
	}
	c.mu.Lock()
	if c.gen == gen {
		c.peers[code] = cachedPeer{peer: peer, loaded: now}
	}
	c.mu.Unlock()
	return peer, nil
}

func (c *peerCache) empty() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.peers)
}
