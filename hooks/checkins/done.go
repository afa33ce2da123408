package checkins

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/records"
)

// errNotOwner stands for a timer that is missing or someone else's: both answer 404.
var errNotOwner = errors.New("checkins: not the owner's")

// Done is "I am OK": POST /api/alertbutton/checkins/{id}/done, for a registrant, disarms
// their timer.
// Once it fired the alert stays open (409): only "I am safe" on the alert closes it.
func Done(e *core.RequestEvent) error {
	lang := i18n.Lang(e)
	if _, err := jsonbody.Read(e, lang, jsonbody.Small); err != nil {
		return err
	}
	var status string
	err := e.App.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindRecordById("checkins", e.Request.PathValue("id"))
		if err != nil || c.GetString("registrant") != e.Auth.Id {
			return errNotOwner
		}
		status = c.GetString("status")
		if status != StatusArmed {
			return nil
		}
		c.Set("status", StatusDone)
		status = StatusDone
		return records.Save(tx, c)
	})
	switch {
	case errors.Is(err, errNotOwner):
		return e.NotFoundError(msgNotFound.In(lang), nil)
	case err != nil:
		e.App.Logger().Error("checkins: done not saved", "checkin", e.Request.PathValue("id"), "error", err)
		return e.InternalServerError(msgFailed.In(lang), err)
	case status == StatusFired:
		return e.Error(http.StatusConflict, msgFired.In(lang), nil)
	case status == StatusCancelled:
		return e.Error(http.StatusConflict, msgCancelled.In(lang), nil)
	}
	return respond(e, e.Request.PathValue("id"))
}

// respond answers with the timer as its owner sees it, read back after the commit.
func respond(e *core.RequestEvent, id string) error {
	c, err := e.App.FindRecordById("checkins", id)
	if err != nil {
		return e.NotFoundError(msgNotFound.In(i18n.Lang(e)), nil)
	}
	if err := apis.EnrichRecord(e, c); err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, c)
}
