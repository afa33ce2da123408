package alerts

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
)

// Input is what an alert is raised from.
type Input struct {
	UID, Kind, Source, Actor string
	Registrant               *core.Record // nil for walk-ins
	Lat, Lon, Accuracy       *float64
	ZIP, Note, Place         string
	SubjectName              string
	Contact                  *core.Record // the relative who reported it, if any
}

// Raise stores an alert, its first timeline event and the outbox rows that announce it, in
// one transaction. When an alert with in.UID already exists it is returned unchanged with
// created false, so a phone that retries after a lost answer never raises a second alert.
// An empty in.UID gets a new UUIDv7. Show the alert to a person only through
// apis.EnrichRecord, which applies what they may see.
func Raise(app core.App, cfg *appliance.Config, in Input) (alert *core.Record, created bool, err error) {
	return raise(app, cfg, in, app.RunInTransaction)
}

// raise does Raise's reads first, on app, and then only the writes through runWrite: the
// single SQLite writer is held for the INSERTs and the commit, not for routing and looking
// up subscriptions. A subscription added meanwhile is missed exactly as one added just after
// the commit would be; the uid is checked again inside the write, where it decides.
func raise(app core.App, cfg *appliance.Config, in Input, runWrite func(func(tx core.App) error) error) (alert *core.Record, created bool, err error) {
	if in.UID == "" {
		if in.UID, err = NewUID(); err != nil {
			return nil, false, err
		}
	}
	a, err := newAlert(app, in)
	if err != nil {
		return nil, false, err
	}
	if err := prepare(app, cfg, a, in); err != nil {
		return nil, false, err
	}
	n, err := announce(app, cfg, a, in)
	if err != nil {
		return nil, false, err
	}
	stored := false
	err = runWrite(func(tx core.App) error {
		var err error
		if stored, err = uidStored(tx, in.UID); err != nil || stored {
			return err
		}
		// The unique index on uid still decides a race.
		if err := records.Save(tx, a); err != nil {
			return err
		}
		return n.Write(tx)
	})
	if err != nil && isDuplicateUID(err) {
		// Another writer stored the same uid first: the unique index decided, and that
		// writer announced it.
		err, stored = nil, true
	}
	if err != nil {
		return nil, false, err
	}
	if stored {
		existing, err := FindByUID(app, in.UID)
		return existing, false, err
	}
	return a, true, nil
}

// uidStored tells whether an alert with uid exists: a retry of one already raised. It reads
// the id only, to keep the write transaction short.
func uidStored(app core.App, uid string) (bool, error) {
	var id string
	err := app.DB().Select("id").From("alerts").Where(dbx.HashExp{"uid": uid}).Limit(1).Row(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// NewUID returns a new alert uid (UUIDv7: sortable by time, unique across consulates).
func NewUID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// FindByUID returns the alert with the given uid, or sql.ErrNoRows.
func FindByUID(app core.App, uid string) (*core.Record, error) {
	return app.FindFirstRecordByData("alerts", "uid", uid)
}

func newAlert(app core.App, in Input) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId("alerts")
	if err != nil {
		return nil, err
	}
	a := core.NewRecord(c)
	a.Set("uid", in.UID)
	if in.Registrant != nil {
		a.Set("registrant", in.Registrant.Id)
	}
	a.Set("source", in.Source)
	a.Set("kind", in.Kind)
	a.Set("zip", in.ZIP)
	a.Set("note", in.Note)
	a.Set("subject_name", in.SubjectName)
	a.Set("location", locationText(in))
	return a, nil
}

// locationText is what the sealed location field holds: the point as a small JSON object,
// or the place as someone described it.
func locationText(in Input) string {
	if in.Lat == nil || in.Lon == nil {
		return strings.TrimSpace(in.Place)
	}
	p := map[string]float64{"lat": *in.Lat, "lon": *in.Lon}
	if in.Accuracy != nil {
		p["accuracy"] = *in.Accuracy
	}
	raw, _ := json.Marshal(p) // a map of finite floats always encodes
	return string(raw)
}

// prepare fills what the server decides: ids, status, the consulates and the route. It is
// shared by Raise and by alerts that staff create through the records API.
func prepare(app core.App, cfg *appliance.Config, a *core.Record, in Input) error {
	if a.Id == "" {
		// Sealing binds each value to the record id, so the id exists before the first write.
		a.Id = core.GenerateDefaultRandomId()
	}
	if a.GetString("uid") == "" {
		uid, err := NewUID()
		if err != nil {
			return err
		}
		a.Set("uid", uid)
	}
	if a.GetString("status") == "" {
		a.Set("status", StatusNew)
	}
	a.Set("duress", false)
	a.Set("origin_consulate", cfg.Consulate.Code)
	home := cfg.Consulate.Code
	if in.Registrant != nil && in.Registrant.GetString("home_consulate") != "" {
		home = in.Registrant.GetString("home_consulate")
	}
	a.Set("home_consulate", home)
	if a.GetString("target_consulate") != "" {
		if a.GetString("route_basis") == "" {
			a.Set("route_basis", BasisStaff)
		}
		return nil
	}
	r := place(app, in, home)
	a.Set("target_consulate", r.consulate)
	a.Set("route_basis", r.basis)
	a.Set("county_geoid", r.geoid)
	if a.GetString("zip") == "" && r.basis == BasisRegistrantZIP {
		a.Set("zip", r.zip)
	}
	return nil
}

// announce plans the alert's first timeline event and the outbox rows that tell the
// registrant, the relatives, the staff on duty and the peer consulates; the returned
// audiences write them.
func announce(app core.App, cfg *appliance.Config, a *core.Record, in Input) (*notify.Alert, error) {
	data := map[string]any{
		"kind":   a.GetString("kind"),
		"source": a.GetString("source"),
		"target": a.GetString("target_consulate"),
		"basis":  a.GetString("route_basis"),
	}
	n := notify.Plan(app, cfg, a, in.Registrant)
	n.Queue(func(tx core.App) error { return AddEvent(tx, a, EventCreated, in.Actor, false, data) })
	if err := receipt(n, a, in); err != nil {
		return nil, err
	}
	if err := n.Relatives(notify.LevelStatus, createdNotice(a), skipContact(in.Contact)); err != nil {
		return nil, err
	}
	if _, err := n.Staff(notify.OnDuty, notify.StaffNew); err != nil {
		return nil, err
	}
	return n, n.Peers(protocol.TypeCreated)
}

// receipt confirms the alert to whoever raised it. The registrant's phone is told only when
// they pressed the button themselves: an alert the server or someone else raised (a missed
// check-in, a relative's report, a call to the consulate) may mean the phone is in other hands.
func receipt(n *notify.Alert, a *core.Record, in Input) error {
	switch {
	case in.Contact != nil:
		return n.Contact(in.Contact, notify.Receipt)
	case a.GetString("source") == SourceButton:
		return n.Registrant(notify.Receipt)
	}
	return nil
}

func skipContact(c *core.Record) string {
	if c == nil {
		return ""
	}
	return c.Id
}

// isDuplicateUID tells whether a save failed on the unique index of uid.
func isDuplicateUID(err error) bool {
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		if e, ok := verrs["uid"].(validation.Error); ok && e.Code() == "validation_not_unique" {
			return true
		}
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unique constraint failed") && strings.Contains(msg, "alerts.uid")
}

// now is the time written to acknowledged_at and closed_at.
func now() types.DateTime { return types.NowDateTime() }
