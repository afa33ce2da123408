package federation

import (
	"database/sql"
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/records"
	"alertbutton/migrations"
)

// apply makes an accepted envelope's effects on the local copy of its alert. It reports
// false for an envelope held until its alert arrives (a status that overtook the alert).
func (s *Service) apply(tx core.App, env *protocol.Envelope, msg *message) (bool, error) {
	alert, err := alerts.FindByUID(tx, env.Alert)
	if errors.Is(err, sql.ErrNoRows) {
		if env.Type != protocol.TypeCreated && env.Type != protocol.TypeTransfer {
			return false, nil
		}
		alert, err = s.createCopy(tx, env, msg)
		if err != nil {
			return false, err
		}
		return true, s.applyHeld(tx, alert)
	}
	if err != nil {
		return false, err
	}
	if !involved(alert, env.Origin) {
		return false, refuse(http.StatusForbidden, "federation: %s has no part in alert %s", env.Origin, env.Alert)
	}
	return true, s.applyTo(tx, alert, env, msg)
}

func (s *Service) applyTo(tx core.App, alert *core.Record, env *protocol.Envelope, msg *message) error {
	switch env.Type {
	case protocol.TypeCreated:
		return nil // held here already
	case protocol.TypeNote:
		return s.addNote(tx, alert, env, msg)
	}
	return s.applyState(tx, alert, env, msg)
}

// involved tells whether a consulate has a part in the alert: it raised it, is the
// person's home, or has the case.
func involved(alert *core.Record, code string) bool {
	return slices.Contains([]string{
		alert.GetString("origin_consulate"), alert.GetString("home_consulate"), alert.GetString("target_consulate"),
	}, code)
}

// createCopy stores a peer's alert here: source federation, status new, the person's
// details from the sealed message, a timeline event and a push to the staff on duty.
func (s *Service) createCopy(tx core.App, env *protocol.Envelope, msg *message) (*core.Record, error) {
	c, err := tx.FindCachedCollectionByNameOrId("alerts")
	if err != nil {
		return nil, err
	}
	a := core.NewRecord(c)
	a.Id = core.GenerateDefaultRandomId() // sealing binds each value to the id
	origin := msg.Origin
	if _, ok := jurisdiction.ConsulateByCode(origin); !ok {
		origin = env.Origin
	}
	home := env.Route.Home
	if home == "" {
		home = origin
	}
	a.Set("uid", env.Alert)
	a.Set("source", alerts.SourceFederation)
	a.Set("kind", oneOf(msg.Kind, migrations.AlertKinds, "other"))
	a.Set("status", alerts.StatusNew)
	a.Set("origin_consulate", origin)
	a.Set("home_consulate", home)
	a.Set("target_consulate", env.Route.Target)
	a.Set("route_basis", env.Route.Basis)
	a.Set("county_geoid", env.Route.CountyGeoid)
	a.Set("subject_name", msg.fullName())
	a.Set("subject_phone", msg.Phone)
	a.Set("subject_birth_date", msg.BirthDate)
	a.Set("subject_language", oneOf(msg.Language, migrations.Languages, ""))
	a.Set("location", msg.Location)
	a.Set("note", msg.Note)
	a.Set("facility", msg.Facility)
	a.Set("duress", msg.Duress)
	if err := records.Save(tx, a); err != nil {
		var invalid validation.Errors
		if errors.As(err, &invalid) {
			return nil, refuse(http.StatusBadRequest, "federation: alert %s cannot be stored here: %v", env.Alert, err)
		}
		return nil, err
	}
	clk, err := loadClock(tx, env.Alert)
	if err != nil {
		return nil, err
	}
	if err := clk.set(tx, env.Seq, env.Origin, stateDigest(a)); err != nil {
		return nil, err
	}
	return a, s.announceCopy(tx, a, env, msg)
}

func (s *Service) announceCopy(tx core.App, a *core.Record, env *protocol.Envelope, msg *message) error {
	typ, m := alerts.EventCreated, msgStaffRelayed
	if env.Type == protocol.TypeTransfer {
		typ, m = EventTransferred, msgStaffTransferred
	}
	data := map[string]any{
		"kind": a.GetString("kind"), "source": alerts.SourceFederation, "raised_by": oneOf(msg.Source, migrations.AlertSources, ""),
		"from": env.Origin, "target": env.Route.Target, "basis": env.Route.Basis,
	}
	if err := addEvent(tx, a, typ, actorConsulatePrefix+env.Origin, false, data); err != nil {
		return err
	}
	if err := notifyStaff(tx, a, true, m, env.Origin); err != nil {
		return err
	}
	if msg.Duress {
		return notifyStaff(tx, a, false, msgStaffDuress, env.Origin)
	}
	return nil
}

// applyHeld applies, in seq order, the envelopes that reached this appliance before their
// alert did.
func (s *Service) applyHeld(tx core.App, alert *core.Record) error {
	var rows []*core.Record
	err := tx.RecordQuery("federation_inbox").
		Where(dbx.HashExp{"alert": alert.GetString("uid"), "applied": false}).
		OrderBy("seq ASC").
		All(&rows)
	if err != nil {
		return err
	}
	for _, row := range rows {
		env, err := protocol.ParseEnvelope([]byte(row.GetString("envelope")))
		if err != nil {
			return err
		}
		msg, err := s.open(env)
		if err != nil {
			return err
		}
		if involved(alert, env.Origin) {
			if err := s.applyTo(tx, alert, env, msg); err != nil {
				return err
			}
		}
		row.Set("applied", true)
		if err := tx.Save(row); err != nil {
			return err
		}
	}
	return nil
}

func oneOf(v string, values []string, fallback string) string {
	if slices.Contains(values, v) {
		return v
	}
	return fallback
}
