package federation

import (
	"crypto/ed25519"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
)

// alwaysValid is the start of a directly trusted key's window: IT adds a peer's new key
// after the peer began to use it, and what it signed in between must still verify.
var alwaysValid = time.Unix(0, 0).UTC()

// AddPeer trusts a consulate directly, with the URL and keys its IT handed over (from
// `federation keys`). A new signing key retires the current one at now: the old key still
// verifies envelopes created before now, and nothing created after.
func AddPeer(app core.App, self, code, url, signingKey, sealKey string, now time.Time) error {
	if err := checkPeerArgs(self, code, url, signingKey, sealKey); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindFirstRecordByData("consulates", "code", code)
		if err != nil {
			return fmt.Errorf("consulate %s is not in the directory: %w", code, err)
		}
		p := peerOf(r)
		keys, err := rotate(p.Keys, signingKey, now)
		if err != nil {
			return err
		}
		p.Trust, p.URL, p.SealKey, p.Keys = TrustDirect, url, sealKey, keys
		p.SigningKey = currentKey(keys, p.Revoked, now)
		return storePeer(tx, r, p)
	})
}

func checkPeerArgs(self, code, url, signingKey, sealKey string) error {
	if _, ok := jurisdiction.ConsulateByCode(code); !ok {
		return fmt.Errorf("unknown consulate code %q", code)
	}
	if code == self {
		return fmt.Errorf("%s is this appliance's own consulate, not a peer", code)
	}
	if err := protocol.CheckPeerURL(url); err != nil {
		return err
	}
	if _, ok := decodeKey(signingKey, ed25519.PublicKeySize); !ok {
		return fmt.Errorf("the signing key %q is not a base64url Ed25519 public key (32 bytes): copy signingKey from the peer's `federation keys`", signingKey)
	}
	if _, ok := decodeKey(sealKey, 32); !ok {
		return fmt.Errorf("the seal key %q is not a base64url X25519 public key (32 bytes): copy sealKey from the peer's `federation keys`", sealKey)
	}
	return nil
}

// rotate adds key to keys, retiring the keys still open at now. A key retired before
// cannot come back: it may be the reason it was replaced.
func rotate(keys []protocol.RosterKey, key string, now time.Time) ([]protocol.RosterKey, error) {
	i := slices.IndexFunc(keys, func(k protocol.RosterKey) bool { return k.Key == key })
	if i >= 0 {
		if !keys[i].NotAfter.IsZero() {
			return nil, fmt.Errorf("the signing key %s was retired on %s and cannot be trusted again", key, keys[i].NotAfter.Format(time.RFC3339))
		}
		return keys, nil // the same key again: only the URL or seal key change
	}
	out := slices.Clone(keys)
	for j := range out {
		if out[j].NotAfter.IsZero() {
			out[j].NotAfter = now.UTC()
		}
	}
	return append(out, protocol.RosterKey{Key: key, NotBefore: alwaysValid}), nil
}

// RemovePeer stops trusting a consulate; what is queued for it waits until it is trusted again.
func RemovePeer(app core.App, code string) error {
	r, err := app.FindFirstRecordByData("consulates", "code", code)
	if err != nil {
		return fmt.Errorf("unknown consulate code %q", code)
	}
	p := peerOf(r)
	p.Trust, p.Keys, p.Revoked, p.SigningKey, p.SealKey = "", nil, nil, "", ""
	return storePeer(app, r, p)
}

// Peers returns every trusted peer, sorted by code.
func Peers(app core.App) ([]*Peer, error) {
	rows, err := app.FindRecordsByFilter("consulates", "trust != ''", "code", 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]*Peer, 0, len(rows))
	for _, r := range rows {
		out = append(out, peerOf(r))
	}
	return out, nil
}
