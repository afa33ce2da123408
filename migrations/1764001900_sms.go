package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addFamilyTokenSealed, removeFamilyTokenSealed)
}

// A relative's family link token, sealed, for the SMS that carries it: the link itself stays
// stored only as its hash for every lookup, and the sealed copy is shown to nobody (hidden,
// and the privacy hooks never open it for a reader, staff included).
func addFamilyTokenSealed(app core.App) error {
	c, err := find(app, "contacts")
	if err != nil {
		return err
	}
	c.Fields.Add(&core.TextField{Name: "family_token_sealed", Hidden: true, Max: 8000})
	return app.Save(c)
}

func removeFamilyTokenSealed(app core.App) error {
	c, err := find(app, "contacts")
	if err != nil {
		return err
	}
	c.Fields.RemoveByName("family_token_sealed")
	return app.Save(c)
}
