package alerts

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
)

// UnreachedAlert is a new alert that an escalation step reached nobody for, as the health route
// lists it.
type UnreachedAlert struct {
	ID    string `json:"id"`
	UID   string `json:"uid"`
	Since string `json:"since"` // RFC 3339: when a step was first found to have reached nobody
	Level int    `json:"level"` // the highest such step
}

// Health is GET /api/alertbutton/health (staff): the new alerts that reached nobody, the
// staff on duty and whether each can be paged now, and the peers' health, which peers reads
// (server passes the federation's).
func Health(cfg *appliance.Config, peers func(app core.App) (any, error)) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		unreached, err := NobodyReached(e.App)
		if err != nil {
			return e.InternalServerError("", err)
		}
		onDuty, err := notify.Reachabilities(e.App, notify.OnDuty, cfg.SMS.Ready())
		if err != nil {
			return e.InternalServerError("", err)
		}
		p, err := peers(e.App)
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"nobodyReached": unreached, "onDuty": onDuty, "peers": p})
	}
}

// NobodyReached returns the alerts still new that an escalation step reached nobody for,
// oldest first. Once acknowledged, a person has it.
func NobodyReached(app core.App) ([]UnreachedAlert, error) {
	var recs []*core.Record
	err := app.RecordQuery("alerts").
		AndWhere(dbx.HashExp{"status": StatusNew}).
		AndWhere(dbx.NewExp("[[nobody_reached_at]] != ''")).
		OrderBy("nobody_reached_at ASC").
		All(&recs)
	if err != nil {
		return nil, err
	}
	out := make([]UnreachedAlert, 0, len(recs))
	for _, a := range recs {
		level, err := unreachedLevel(app, a.Id)
		if err != nil {
			return nil, err
		}
		out = append(out, UnreachedAlert{
			ID: a.Id, UID: a.GetString("uid"), Level: level,
			Since: a.GetDateTime("nobody_reached_at").Time().UTC().Format(time.RFC3339),
		})
	}
	return out, nil
}

// unreachedLevel is the highest escalation step of an alert that reached nobody.
func unreachedLevel(app core.App, alertID string) (int, error) {
	var level int
	err := app.DB().Select("COALESCE(MAX(CAST(json_extract([[data]], '$.level') AS INTEGER)), 0)").From("alert_events").
		Where(dbx.HashExp{"alert": alertID, "type": vocab.EventNobodyReached}).Row(&level)
	return level, err
}
