package alerts

import (
	"errors"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/i18n"
)

// Create is the alert button: POST /api/alertbutton/alerts, for a registrant.
// commits groups the writes of alerts raised at the same moment into one transaction.
func Create(cfg *appliance.Config, dir *directory.Table, commits *groupcommit.Committer) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		b, err := readBody(e, i18n.Lang(e), buttonFields...)
		if err != nil {
			return err
		}
		in := Draft{
			UID:        b.uid(),
			Kind:       b.kind(""),
			Source:     SourceButton,
			Actor:      "registrant:" + e.Auth.Id,
			Registrant: e.Auth,
			ZIP:        b.zip(),
			Note:       b.text("note", maxNote, msgFieldNote),
		}
		in.Lat, in.Lon, in.Accuracy = b.point()
		if err := b.err(e); err != nil {
			return err
		}
		alert, created, err := raise(e.App, cfg, dir, in, commits.Run)
		if err != nil {
			return saveFailed(e, err)
		}
		if !created && alert.GetString("registrant") != e.Auth.Id {
			return uidTaken(e)
		}
		// Debug: the alert and its created event already record each press, and one more
		// log row per press cost 4% of the CPU in a surge.
		e.App.Logger().Debug("alerts: raised", "alert", alert.Id, "created", created)
		return respondRecord(e, alert, statusFor(created))
	}
}

func statusFor(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// respondAlert answers with the alert as the caller may see it, read back after the commit.
func respondAlert(e *core.RequestEvent, alertID string, status int) error {
	alert, err := e.App.FindRecordById("alerts", alertID)
	if err != nil {
		return saveFailed(e, err)
	}
	return respondRecord(e, alert, status)
}

// respondRecord answers the registrant with the alert as they may see it.
func respondRecord(e *core.RequestEvent, alert *core.Record, status int) error {
	v, err := RegistrantView(e.App, alert, false)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(status, v)
}

func uidTaken(e *core.RequestEvent) error {
	lang := i18n.Lang(e)
	return e.Error(http.StatusConflict, msgUIDTaken.In(lang),
		validation.Errors{"uid": validation.NewError("uid_taken", msgUIDTaken.In(lang))})
}

// saveFailed is a 400 when the stored alert failed validation, else a 500; either way the
// transaction wrote nothing.
func saveFailed(e *core.RequestEvent, err error) error {
	lang := i18n.Lang(e)
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return e.BadRequestError(msgInvalid.In(lang), verrs)
	}
	e.App.Logger().Error("alerts: not saved", "error", err)
	return e.InternalServerError(msgSaveFailed.In(lang), err)
}
