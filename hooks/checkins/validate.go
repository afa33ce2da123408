package checkins

import (
	"net/http"
	"time"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
)

// checkCreate lets a timer be armed only for a time that is coming, and not too far off,
// and only MaxArmed of one person's at once.
func checkCreate(e *core.RecordRequestEvent) error {
	errs := validation.Errors{}
	lang := i18n.Lang(e.RequestEvent)
	checkDue(errs, lang, e.Record, time.Now())
	checkPlace(errs, lang, e.Record.GetString("place"))
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalid.In(lang), errs)
	}
	return armWithinLimit(e)
}

// checkUpdate lets the owner move or describe an armed timer; one that is done or has fired
// stays as it is. The status is read again in the transaction that saves, so an update cannot
// put back a timer that fired meanwhile.
func checkUpdate(e *core.RecordRequestEvent) error {
	if e.Auth != nil && e.Auth.IsSuperuser() {
		return e.Next()
	}
	lang := i18n.Lang(e.RequestEvent)
	r, old := e.Record, e.Record.Original()
	errs := validation.Errors{}
	if !r.GetDateTime("due_at").Equal(old.GetDateTime("due_at")) {
		checkDue(errs, lang, r, time.Now())
	}
	if r.GetString("place") != old.GetString("place") {
		checkPlace(errs, lang, r.GetString("place"))
	}
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalid.In(lang), errs)
	}
	outer := e.App
	defer func() { e.App = outer }()
	return outer.RunInTransaction(func(tx core.App) error {
		current, err := tx.FindRecordById("checkins", r.Id)
		if err != nil {
			return e.NotFoundError(msgNotFound.In(lang), nil)
		}
		if current.GetString("status") != StatusArmed || old.GetString("status") != StatusArmed {
			return e.Error(http.StatusConflict, msgNotArmed.In(lang), nil)
		}
		e.App = tx
		return e.Next()
	})
}

func checkDue(errs validation.Errors, lang string, r *core.Record, now time.Time) {
	due := r.GetDateTime("due_at")
	switch {
	case due.IsZero():
		return // the field's own required check answers
	case !due.Time().After(now):
		errs["due_at"] = validation.NewError("due_in_past", msgDuePast.In(lang))
	case due.Time().After(now.Add(MaxAhead)):
		errs["due_at"] = validation.NewError("due_too_far", msgDueFar.In(lang))
	}
}

func checkPlace(errs validation.Errors, lang, place string) {
	if utf8.RuneCountInString(place) > maxPlace {
		errs["place"] = validation.NewError("place_too_long", msgPlace.In(lang))
	}
}
