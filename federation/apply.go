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
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
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

// actorConsulatePrefix names a peer consulate as the actor of the events of its changes.
const actorConsulatePrefix = "consulate:"

// createCopy stores a peer's alert here: source federation, status new, the person's
// details from the sealed message, a timeline event and a push to the staff on duty.
func (s *Service) createCopy(tx core.App, env *protocol.Envelope, msg *message) (*core.Record, error) {
	origin := msg.Origin
	if _, ok := jurisdiction.ConsulateByCode(origin); !ok {
		origin = env.Origin
	}
	home := env.Route.Home
	if home == "" {
		home = origin
	}
	event, told := alerts.EventCreated, notify.PeerRelayed
	if env.Type == protocol.TypeTransfer {
		event, told = alerts.EventTransferred, notify.PeerTransferred
	}
	a, _, err := alerts.Raise(tx, s.cfg, s.dir, alerts.Draft{
		UID:         env.Alert,
		Source:      alerts.SourceFederation,
		Kind:        oneOf(msg.Kind, vocab.Kinds, vocab.KindOther),
		Actor:       actorConsulatePrefix + env.Origin,
		SubjectName: msg.fullName(),
		Place:       msg.Location,
		Note:        msg.Note,
		FreshUID:    true, // not found here just now, in this transaction
		Copy: &alerts.Copy{
			Origin: origin, Home: home,
			Target: env.Route.Target, Basis: env.Route.Basis, CountyGeoid: env.Route.CountyGeoid,
			Phone: msg.Phone, BirthDate: msg.BirthDate, Language: oneOf(msg.Language, vocab.Languages, ""),
			Facility: msg.Facility,
			Duress:   msg.Duress,
			Event:    event,
			EventData: map[string]any{
				"raised_by": oneOf(msg.Source, vocab.Sources, ""), "from": env.Origin,
			},
			Tell: func(tx core.App, a *core.Record) error { return tellCopy(tx, s.cfg, a, told, msg.Duress, env.Origin) },
		},
	})
	if err != nil {
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
	return a, clk.set(tx, env.Seq, env.Origin, stateDigest(a))
}

// tellCopy pushes a peer's copy to the staff on duty, and its duress to every staff device.
func tellCopy(tx core.App, cfg *appliance.Config, a *core.Record, m notify.Notice, duress bool, peer string) error {
	if err := notifyStaff(tx, cfg, a, notify.OnDuty, m, peer); err != nil {
		return err
	}
	if duress {
		return notifyStaff(tx, cfg, a, notify.AllStaff, notify.PeerDuress, peer)
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
		if err := records.Save(tx, row); err != nil {
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
