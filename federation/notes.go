package federation

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/outbox"
)

const maxNote = 2000

// notes is POST /api/alertbutton/federation/alerts/{uid}/notes {"note"}: an adviser's note
// for the advisers of the other consulates that hold the alert. It is sealed to each of
// them at once, so the outbox never holds its text; a copy is kept as a case note here, by
// its author.
func (s *Service) notes(e *core.RequestEvent) error {
	var body struct {
		Note string `json:"note"`
	}
	if err := jsonbody.Decode(e, "en", 16<<10, &body); err != nil {
		return err
	}
	note := strings.TrimSpace(body.Note)
	if note == "" || utf8.RuneCountInString(note) > maxNote {
		return e.BadRequestError(fmt.Sprintf("Write a note of 1 to %d characters.", maxNote), nil)
	}
	alert, err := alerts.FindByUID(e.App, e.Request.PathValue("uid"))
	if err != nil {
		return e.NotFoundError("No such alert.", nil)
	}
	codes := s.peersOf(alert)
	if len(codes) == 0 {
		return e.BadRequestError("No other consulate holds this alert.", nil)
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		return s.sendNote(tx, alert.Id, codes, note, e.Auth.Id)
	})
	if errors.Is(err, ErrNotTrusted) {
		return e.Error(http.StatusConflict, err.Error(), nil)
	}
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusCreated, map[string]any{"alert": alert.GetString("uid"), "to": codes})
}

func (s *Service) sendNote(tx core.App, alertID string, codes []string, note, author string) error {
	alert, err := tx.FindRecordById("alerts", alertID)
	if err != nil {
		return err
	}
	for _, code := range codes {
		peer, err := LoadPeer(tx, code)
		if err != nil {
			return err
		}
		row, err := outbox.NewFederationRow(tx, code, protocol.TypeNote, alert.GetString("uid"))
		if err != nil {
			return err
		}
		if err := seal(tx, s.cfg, row, peer, protocol.TypeNote, alert, &message{Text: note}, s.now()); err != nil {
			return err
		}
	}
	kept, err := alerts.AddNote(tx, alert, alerts.NoteDraft{Author: author, Body: note})
	if err != nil {
		return err
	}
	actor := "staff:" + author
	if err := s.audit.Append(tx, audit.Entry{Actor: actor, Action: "federation_note", Collection: "case_notes", RecordID: kept.Id}); err != nil {
		return err
	}
	return alerts.RecordChange(tx, s.cfg, alert, alerts.Change{
		Actor: actor, Event: vocab.EventNoteAdded, EventData: map[string]any{"note": kept.Id, "to": codes},
	})
}

// peersOf are the other consulates that hold the alert.
func (s *Service) peersOf(alert *core.Record) []string {
	var codes []string
	for _, f := range []string{"target_consulate", "home_consulate", "origin_consulate"} {
		code := alert.GetString(f)
		if code != "" && code != s.cfg.Consulate.Code && !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes
}
