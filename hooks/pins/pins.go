// Package pins handles the registrant's two PINs: the cancel PIN closes an alert; the duress
// PIN answers exactly the same but keeps the alert open and warns the advisers.
//
// The hashes live in the registrant_pins table, which is not a collection: no records API,
// realtime message or admin UI page can show them, to staff either.
package pins

import (
	"database/sql"
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"
)

// What a PIN turned out to be.
const (
	None   = ""
	Cancel = "cancel"
	Duress = "duress"
)

const table = "registrant_pins"

// Hash hashes a PIN for Store.
func Hash(pin string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	return string(h), err
}

// Store sets the registrant's PIN hashes (made by Hash), replacing any.
func Store(app core.App, registrantID, cancelHash, duressHash string) error {
	_, err := app.DB().NewQuery(`INSERT INTO registrant_pins (registrant, cancel_hash, duress_hash, updated)
		VALUES ({:r}, {:c}, {:d}, {:t})
		ON CONFLICT (registrant) DO UPDATE SET cancel_hash = excluded.cancel_hash,
			duress_hash = excluded.duress_hash, updated = excluded.updated`).
		Bind(dbx.Params{"r": registrantID, "c": cancelHash, "d": duressHash, "t": time.Now().UTC().Format(time.RFC3339)}).
		Execute()
	return err
}

// Forget removes the registrant's PINs (their account is deleted).
func Forget(app core.App, registrantID string) error {
	_, err := app.DB().Delete(table, dbx.HashExp{"registrant": registrantID}).Execute()
	return err
}

// IsSet tells whether the registrant has set their PINs.
func IsSet(app core.App, registrantID string) (bool, error) {
	h, err := load(app, registrantID)
	return h.Cancel != "", err
}

type hashes struct {
	Cancel string `db:"cancel_hash"`
	Duress string `db:"duress_hash"`
}

func load(app core.App, registrantID string) (hashes, error) {
	var h hashes
	err := app.DB().Select("cancel_hash", "duress_hash").From(table).
		Where(dbx.HashExp{"registrant": registrantID}).One(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return hashes{}, nil
	}
	return h, err
}

// Check tells whether pin is the registrant's cancel PIN, duress PIN, or neither.
// Both hashes are always compared, so the answer takes the same time either way.
func Check(app core.App, registrantID, pin string) (string, error) {
	h, err := load(app, registrantID)
	if err != nil {
		return None, err
	}
	cancel := matches(h.Cancel, pin)
	duress := matches(h.Duress, pin)
	switch {
	case cancel:
		return Cancel, nil
	case duress:
		return Duress, nil
	}
	return None, nil
}

func matches(hash, pin string) bool {
	if hash == "" {
		hash = dummyHash
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil && hash != dummyHash
}

// dummyHash keeps the timing equal when a PIN was never set.
var dummyHash, _ = func() (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte("no-pin-set"), bcrypt.DefaultCost)
	return string(h), err
}()
