package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addPhoneVerification, removePhoneVerification)
}

var phoneVerificationHelp = map[string]map[string]string{
	"registrants": {
		"phone_verified_at": "Cuándo la persona confirmó que el teléfono es suyo, con el código que le llegó por SMS o en persona en el consulado. Vacío: todavía no está verificado. Lo pone el sistema.",
	},
}

// A registrant's phone is verified by a 6-digit code sent to it by SMS (or by the staff, in
// person): phone_verified_at says when. The codes wait in phone_codes, a plain table like
// recovery_codes (SecretTables): only their hash, and a sealed copy that the SMS dispatcher
// opens to write the message. A recovery code sent by SMS keeps its sealed copy in
// recovery_codes.code_sealed.
func addPhoneVerification(app core.App) error {
	c, err := find(app, "registrants")
	if err != nil {
		return err
	}
	c.Fields.Add(date("phone_verified_at"))
	if err := app.Save(c); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS phone_codes (
			registrant  TEXT PRIMARY KEY NOT NULL,
			code_hash   TEXT NOT NULL,
			code_sealed TEXT NOT NULL DEFAULT '',
			expires_at  TEXT NOT NULL,
			attempts    INTEGER NOT NULL DEFAULT 0
		)`,
		`ALTER TABLE recovery_codes ADD COLUMN code_sealed TEXT NOT NULL DEFAULT ''`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return applyHelp(app, phoneVerificationHelp, true)
}

func removePhoneVerification(app core.App) error {
	for _, q := range []string{
		`DROP TABLE IF EXISTS phone_codes`,
		`ALTER TABLE recovery_codes DROP COLUMN code_sealed`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	c, err := find(app, "registrants")
	if err != nil {
		return err
	}
	c.Fields.RemoveByName("phone_verified_at")
	return app.Save(c)
}
