package federation

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/records"
)

// RootEnv names the environment variable holding the federation root public key.
const RootEnv = appliance.RosterRootEnv

// RootPublicKey decodes the federation root public key: flag, else the environment.
func RootPublicKey(flag string) (ed25519.PublicKey, error) {
	s := strings.TrimSpace(flag)
	if s == "" {
		s = strings.TrimSpace(os.Getenv(RootEnv))
	}
	if s == "" {
		return nil, fmt.Errorf("no federation root public key: pass --root-public-key or set %s", RootEnv)
	}
	raw, ok := decodeKey(s, ed25519.PublicKeySize)
	if !ok {
		return nil, fmt.Errorf("the federation root public key %q is not a base64url Ed25519 public key", s)
	}
	return raw, nil
}

// HeldRosterVersion is the version of the newest roster ever imported, 0 for none: the
// highest of the rows held and of the high-water mark, which a removed row does not lower.
func HeldRosterVersion(app core.App) (int64, error) {
	var v int64
	err := app.DB().NewQuery(`SELECT max(
		(SELECT coalesce(max([[version]]), 0) FROM {{federation_rosters}}),
		(SELECT coalesce(max([[version]]), 0) FROM {{` + vocab.RosterHighWaterTable + `}}))`).Row(&v)
	return v, err
}

// raiseHighWater records version as the highest roster imported.
func raiseHighWater(app core.App, version int64) error {
	_, err := app.DB().NewQuery(`UPDATE {{` + vocab.RosterHighWaterTable + `}}
		SET [[version]] = max([[version]], {:v}) WHERE [[id]] = 1`).Bind(dbx.Params{"v": version}).Execute()
	return err
}

// NotNewerError is a roster refused because its version is not above the one held.
type NotNewerError struct{ Version, Held int64 }

func (e *NotNewerError) Error() string {
	return fmt.Sprintf("roster version %d is not newer than the one held (version %d): nothing changed; ask the central office for the current roster", e.Version, e.Held)
}

// ImportResult says what an import changed.
type ImportResult struct {
	Version  int64
	Trusted  []string // codes trusted through this roster
	Dropped  []string // codes the previous roster trusted and this one does not list
	Warnings []string
}

// ImportRoster verifies a signed roster with the federation root key and, if it is newer
// than the one held, makes it the trust of every consulate it lists. Consulates trusted by
// an older roster and absent from this one are no longer trusted; direct trust is kept.
func ImportRoster(app core.App, self string, raw []byte, root ed25519.PublicKey, now time.Time) (*ImportResult, error) {
	r, err := protocol.ParseRoster(raw, root)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Version: r.Version}
	err = app.RunInTransaction(func(tx core.App) error {
		held, err := HeldRosterVersion(tx)
		if err != nil {
			return err
		}
		if r.Version <= held {
			return &NotNewerError{Version: r.Version, Held: held}
		}
		if err := saveRoster(tx, r, raw); err != nil {
			return err
		}
		if err := raiseHighWater(tx, r.Version); err != nil {
			return err
		}
		listed := map[string]bool{}
		for _, e := range r.Entries {
			listed[e.Code] = true
			if err := trustEntry(tx, self, e, now, res); err != nil {
				return err
			}
		}
		return dropUnlisted(tx, listed, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func saveRoster(app core.App, r *protocol.Roster, raw []byte) error {
	c, err := app.FindCachedCollectionByNameOrId("federation_rosters")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	rec.Set("version", r.Version)
	rec.Set("issued_at", r.IssuedAt)
	rec.Set("roster", string(raw))
	return records.Save(app, rec)
}

func trustEntry(app core.App, self string, e protocol.RosterEntry, now time.Time, res *ImportResult) error {
	if _, ok := jurisdiction.ConsulateByCode(e.Code); !ok {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the roster lists %q, which is not a known consulate: skipped", e.Code))
		return nil
	}
	if e.Code == self {
		return nil
	}
	rec, err := app.FindFirstRecordByData("consulates", "code", e.Code)
	if err != nil {
		return fmt.Errorf("consulate %s is not in the directory: %w", e.Code, err)
	}
	p := &Peer{
		Code: e.Code, URL: e.URL, Trust: TrustRoster, SealKey: e.SealKey,
		Keys: e.SigningKeys, Revoked: e.RevokedKeys,
	}
	p.SigningKey = currentKey(p.Keys, p.Revoked, now)
	rec.Set("jurisdiction_version", e.JurisdictionVersion)
	res.Trusted = append(res.Trusted, e.Code)
	return storePeer(app, rec, p)
}

func dropUnlisted(app core.App, listed map[string]bool, res *ImportResult) error {
	rows, err := app.FindAllRecords("consulates", dbx.HashExp{"trust": TrustRoster})
	if err != nil {
		return err
	}
	for _, rec := range rows {
		code := rec.GetString("code")
		if listed[code] {
			continue
		}
		p := peerOf(rec)
		p.Trust, p.Keys, p.Revoked, p.SigningKey, p.SealKey = "", nil, nil, "", ""
		rec.Set("jurisdiction_version", "")
		if err := storePeer(app, rec, p); err != nil {
			return err
		}
		res.Dropped = append(res.Dropped, code)
	}
	return nil
}
