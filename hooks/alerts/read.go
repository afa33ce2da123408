package alerts

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// maxListed is how many alerts the phone's list shows, newest first.
const maxListed = 50

// listRoute is GET /api/alertbutton/alerts: the caller's alerts as they may see them,
// newest first, without their timelines.
func listRoute(e *core.RequestEvent) error {
	if err := requireRegistrant(e); err != nil {
		return err
	}
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

// viewRoute is GET /api/alertbutton/alerts/{uid}: one of the caller's alerts as they may see
// it, with its timeline.
func viewRoute(e *core.RequestEvent) error {
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
