package protocol

import (
	"encoding/json"
	"fmt"
)

// parseRoster decodes a signed roster strictly, without verifying it.
func parseRoster(b []byte) (*Roster, string, error) {
	r := &Roster{}
	var entries []json.RawMessage
	var sig string
	seen, err := decodeObject(b, map[string]any{
		"version": &r.Version, "issued_at": &r.IssuedAt, "entries": &entries, "signature": &sig,
	})
	if err != nil {
		return nil, "", fmt.Errorf("roster: %w", err)
	}
	if err := requireFields(seen, "roster", "version", "issued_at", "entries", "signature"); err != nil {
		return nil, "", err
	}
	if entries == nil {
		return nil, "", fmt.Errorf("%w: roster entries is not a list", ErrMalformed)
	}
	r.Entries = make([]RosterEntry, len(entries))
	for i, raw := range entries {
		if r.Entries[i], err = parseRosterEntry(raw); err != nil {
			return nil, "", fmt.Errorf("roster entry %d: %w", i, err)
		}
	}
	return r.normalized(), sig, nil
}

func parseRosterEntry(b []byte) (RosterEntry, error) {
	var e RosterEntry
	var keys []json.RawMessage
	seen, err := decodeObject(b, map[string]any{
		"code": &e.Code, "url": &e.URL, "signing_keys": &keys, "revoked_keys": &e.RevokedKeys,
		"seal_key": &e.SealKey, "jurisdiction_version": &e.JurisdictionVersion,
	})
	if err != nil {
		return e, err
	}
	if err := requireFields(seen, "entry", "code", "url", "signing_keys", "seal_key"); err != nil {
		return e, err
	}
	e.SigningKeys = make([]RosterKey, len(keys))
	for i, raw := range keys {
		k := &e.SigningKeys[i]
		seen, err := decodeObject(raw, map[string]any{"key": &k.Key, "not_before": &k.NotBefore, "not_after": &k.NotAfter})
		if err != nil {
			return e, fmt.Errorf("signing key %d: %w", i, err)
		}
		if err := requireFields(seen, "signing key", "key", "not_before"); err != nil {
			return e, err
		}
	}
	return e, nil
}
