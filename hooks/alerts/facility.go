package alerts

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/records"
)

// FacilityName is the name of the facility id ("" for none).
func FacilityName(app core.App, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	f, err := app.FindRecordById("facilities", id)
	if err != nil {
		return "", err
	}
	return f.GetString("name"), nil
}

// FacilityID is the id of the facility named name (any case), added to IT's list when a peer
// consulate names one this consulate does not list yet; "" for no name.
func FacilityID(app core.App, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	var id string
	err := app.DB().Select("id").From("facilities").
		Where(dbx.NewExp("[[name]] = {:name} COLLATE NOCASE", dbx.Params{"name": name})).Limit(1).Row(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	c, err := app.FindCachedCollectionByNameOrId("facilities")
	if err != nil {
		return "", err
	}
	f := core.NewRecord(c)
	f.Set("name", name)
	f.Set("kind", vocab.FacilityOther)
	f.Set("active", true)
	if err := records.Save(app, f); err != nil {
		return "", err
	}
	return f.Id, nil
}
