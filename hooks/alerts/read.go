package alerts

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// maxListed is how many alerts the phone's list shows, newest first.
const maxListed = 50

// List is GET /api/alertbutton/alerts, for a registrant: their alerts as they may see them,
// newest first, without their timelines.
func List(e *core.RequestEvent) error {
	var recs []*core.Record
	err := e.App.RecordQuery("alerts").
		AndWhere(dbx.HashExp{"registrant": e.Auth.Id}).
		OrderBy("created DESC", "rowid DESC").
		Limit(maxListed).
		All(&recs)
	if err != nil {
		return e.InternalServerError("", err)
	}
	items := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		v, err := RegistrantView(e.App, r, false)
		if err != nil {
			return e.InternalServerError("", err)
		}
		items = append(items, v)
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// View is GET /api/alertbutton/alerts/{uid}, for a registrant: one of their alerts as they
// may see it, with its timeline.
func View(e *core.RequestEvent) error {
	alert, err := ownAlert(e)
	if err != nil {
		return err
	}
	v, err := RegistrantView(e.App, alert, true)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, v)
}
