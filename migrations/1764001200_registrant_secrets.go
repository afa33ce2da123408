package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addRegistrantSecrets, dropRegistrantSecrets)
}

// SecretTables are plain SQLite tables, not collections: no records API, realtime, admin UI
// or superuser reaches them. They hold what must never leave the server (PIN hashes,
// account-recovery codes) and the deletions waiting for a case to close.
var SecretTables = []string{"registrant_pins", "recovery_codes", "pending_deletions"}

var secretTablesSQL = []string{
	`CREATE TABLE IF NOT EXISTS registrant_pins (
		registrant  TEXT PRIMARY KEY NOT NULL,
		cancel_hash TEXT NOT NULL,
		duress_hash TEXT NOT NULL,
		updated     TEXT NOT NULL DEFAULT ''
	)`,
	`CREATE TABLE IF NOT EXISTS recovery_codes (
		registrant TEXT PRIMARY KEY NOT NULL,
		code_hash  TEXT NOT NULL,
		expires_at TEXT NOT NULL,
		attempts   INTEGER NOT NULL DEFAULT 0,
		issued_by  TEXT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS pending_deletions (
		registrant   TEXT PRIMARY KEY NOT NULL,
		requested_at TEXT NOT NULL,
		requested_by TEXT NOT NULL
	)`,
}

var pinFields = []string{"cancel_pin_hash", "duress_pin_hash"}

// addRegistrantSecrets moves the PIN hashes off the registrants collection, where staff
// (superusers) received them, into registrant_pins.
func addRegistrantSecrets(app core.App) error {
	for _, q := range secretTablesSQL {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	c, err := find(app, "registrants")
	if err != nil {
		return err
	}
	if c.Fields.GetByName(pinFields[0]) == nil {
		return nil
	}
	_, err = app.DB().NewQuery(`INSERT OR REPLACE INTO registrant_pins (registrant, cancel_hash, duress_hash, updated)
		SELECT id, cancel_pin_hash, duress_pin_hash, updated FROM registrants
		WHERE cancel_pin_hash != '' AND duress_pin_hash != ''`).Execute()
	if err != nil {
		return err
	}
	for _, f := range pinFields {
		c.Fields.RemoveByName(f)
	}
	return app.Save(c)
}

func dropRegistrantSecrets(app core.App) error {
	c, err := find(app, "registrants")
	if err != nil {
		return err
	}
	for _, f := range pinFields {
		c.Fields.Add(hiddenText(f))
	}
	if err := app.Save(c); err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`UPDATE registrants SET
		cancel_pin_hash = coalesce((SELECT cancel_hash FROM registrant_pins WHERE registrant = registrants.id), ''),
		duress_pin_hash = coalesce((SELECT duress_hash FROM registrant_pins WHERE registrant = registrants.id), '')`).Execute()
	if err != nil {
		return err
	}
	for _, t := range SecretTables {
		if _, err := app.DB().NewQuery("DROP TABLE IF EXISTS " + t).Execute(); err != nil {
			return err
		}
	}
	return nil
}
