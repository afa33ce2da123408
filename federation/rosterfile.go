package federation

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
)

// ParsePublicKeys reads a consulate's keys exactly as `federation keys` prints them; an error
// names the field at fault as that JSON spells it.
func ParsePublicKeys(raw []byte) (PublicKeys, error) {
	var k PublicKeys
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&k); err != nil {
		return k, fmt.Errorf("the keys are not the JSON `alertbutton federation keys` prints ({\"code\",\"url\",\"signingKey\",\"sealKey\"}): %w", err)
	}
	switch {
	case k.Code == "":
		return k, errors.New("the keys name no consulate (code)")
	case !knownConsulate(k.Code):
		return k, fmt.Errorf("the keys name %q (code), which is not a known consulate code", k.Code)
	}
	if err := protocol.CheckPeerURL(k.URL); err != nil {
		return k, fmt.Errorf("%s: %w (url)", k.Code, err)
	}
	if _, ok := decodeKey(k.SigningKey, ed25519.PublicKeySize); !ok {
		return k, fmt.Errorf("%s has no base64url Ed25519 signing key (signingKey): got %q", k.Code, k.SigningKey)
	}
	if _, ok := decodeKey(k.SealKey, 32); !ok {
		return k, fmt.Errorf("%s has no base64url X25519 seal key (sealKey): got %q", k.Code, k.SealKey)
	}
	return k, nil
}

func knownConsulate(code string) bool {
	_, ok := jurisdiction.ConsulateByCode(code)
	return ok
}

// AddToRoster adds a consulate to an unsigned roster (nil: a new one, version 1) or replaces
// its entry, and returns the roster and what changed, one sentence each. A changed roster
// gets the next version, its issue time cleared for `roster sign` to set. A new signing key
// starts now; the one it replaces stops now, so what it signed before still verifies.
func AddToRoster(current []byte, k PublicKeys, now time.Time) ([]byte, []string, error) {
	r := &protocol.Roster{}
	if current != nil {
		dec := json.NewDecoder(bytes.NewReader(current))
		dec.DisallowUnknownFields()
		if err := dec.Decode(r); err != nil {
			return nil, nil, fmt.Errorf("the roster file is not an unsigned roster like {\"version\":1,\"entries\":[...]}: %w", err)
		}
	}
	now = now.UTC().Truncate(time.Second)
	i := slices.IndexFunc(r.Entries, func(e protocol.RosterEntry) bool { return e.Code == k.Code })
	var said []string
	if i < 0 {
		r.Entries = append(r.Entries, protocol.RosterEntry{
			Code: k.Code, URL: k.URL, SealKey: k.SealKey,
			SigningKeys: []protocol.RosterKey{{Key: k.SigningKey, NotBefore: now}},
		})
		said = append(said, fmt.Sprintf("%s added at %s", k.Code, k.URL))
	} else {
		if slices.Contains(r.Entries[i].RevokedKeys, k.SigningKey) {
			return nil, nil, fmt.Errorf("%s's signing key %s is revoked in this roster (revoked_keys[]): have the consulate make new keys", k.Code, k.SigningKey)
		}
		said = replaceEntry(&r.Entries[i], k, now)
	}
	if len(said) == 0 {
		return current, []string{fmt.Sprintf("%s is already listed with these keys: the roster is unchanged (version %d)", k.Code, r.Version)}, nil
	}
	if current == nil {
		r.Version = 1
		said = append(said, "new roster, version 1")
	} else {
		said = append(said, fmt.Sprintf("version %d -> %d", r.Version, r.Version+1))
		r.Version++
	}
	r.IssuedAt = time.Time{}
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return append(out, '\n'), said, nil
}

// RemoveFromRoster takes a consulate out of an unsigned roster, with the next version: once
// signed and fetched, no appliance trusts it through the roster any more.
func RemoveFromRoster(current []byte, code string) ([]byte, string, error) {
	r := &protocol.Roster{}
	dec := json.NewDecoder(bytes.NewReader(current))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return nil, "", fmt.Errorf("the roster file is not an unsigned roster like {\"version\":1,\"entries\":[...]}: %w", err)
	}
	i := slices.IndexFunc(r.Entries, func(e protocol.RosterEntry) bool { return e.Code == code })
	if i < 0 {
		return nil, "", fmt.Errorf("the roster does not list %q (entries[].code): nothing to remove", code)
	}
	r.Entries = slices.Delete(r.Entries, i, i+1)
	r.Version++
	r.IssuedAt = time.Time{}
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, "", err
	}
	return append(out, '\n'), fmt.Sprintf("%s removed; version %d -> %d", code, r.Version-1, r.Version), nil
}

func replaceEntry(e *protocol.RosterEntry, k PublicKeys, now time.Time) []string {
	var said []string
	if e.URL != k.URL {
		said = append(said, fmt.Sprintf("%s: url %s -> %s", k.Code, e.URL, k.URL))
		e.URL = k.URL
	}
	if e.SealKey != k.SealKey {
		said = append(said, fmt.Sprintf("%s: new seal key (seal_key)", k.Code))
		e.SealKey = k.SealKey
	}
	held := slices.ContainsFunc(e.SigningKeys, func(rk protocol.RosterKey) bool { return rk.Key == k.SigningKey })
	if held {
		return said
	}
	for j := range e.SigningKeys {
		if e.SigningKeys[j].NotAfter.IsZero() || e.SigningKeys[j].NotAfter.After(now) {
			e.SigningKeys[j].NotAfter = now
		}
	}
	e.SigningKeys = append(e.SigningKeys, protocol.RosterKey{Key: k.SigningKey, NotBefore: now})
	return append(said, fmt.Sprintf("%s: new signing key from %s; the previous one signs only before then (signing_keys[])", k.Code, now.Format(time.RFC3339)))
}

// writeFileAtomic writes data to path through a temporary file in the same directory, so
// that a failure leaves path as it was.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
