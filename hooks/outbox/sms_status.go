package outbox

import (
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/records"
	"alertbutton/hooks/sms"
)

// smsCallback is the address the provider reports delivery to: on the public URL serve was
// started with, never on a request's Host header.
func smsCallback(cfg *appliance.Config) string {
	return strings.TrimRight(cfg.PublicURL, "/") + SMSStatusPath
}

// SMSStatus is POST SMSStatusPath, the SMS provider's delivery callback. Anyone may call it,
// but only a request signed with the provider's token for the callback address changes
// anything; any other is answered 403 and logged (without what it said): a forger cannot
// mark an alert's SMS delivered, nor failed. An unknown message is answered 200 and ignored.
func SMSStatus(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := e.Request.ParseForm(); err != nil {
			return e.BadRequestError("", nil)
		}
		form := e.Request.PostForm
		if !cfg.SMS.Ready() || !sms.Signed(cfg.SMS.AuthToken, smsCallback(cfg), form, e.Request.Header.Get(sms.SignatureHeader)) {
			e.App.Logger().Warn("outbox: refused an SMS status callback that is not signed by the provider")
			return e.ForbiddenError("", nil)
		}
		row, err := e.App.FindFirstRecordByFilter(collection, "channel = 'sms' && provider_id != '' && provider_id = {:sid}",
			dbx.Params{"sid": form.Get("MessageSid")})
		if errors.Is(err, sql.ErrNoRows) {
			return e.NoContent(http.StatusOK)
		}
		if err != nil {
			return err
		}
		if smsReported(row, form, time.Now().UTC()) {
			if err := records.Save(e.App, row); err != nil {
				return err
			}
		}
		return e.NoContent(http.StatusOK)
	}
}

// smsReported applies the status a callback reports to row, and tells whether it changed.
// Delivered is final: a later or late report does not undo it.
func smsReported(row *core.Record, form url.Values, now time.Time) bool {
	if row.GetString("delivery") == vocab.DeliveryDelivered {
		return false
	}
	switch form.Get("MessageStatus") {
	case sms.StatusDelivered:
		delivered(row, now)
		row.Set("state", stateSent)
		row.Set("last_error", "")
		return true
	case sms.StatusUndelivered, sms.StatusFailed:
		if row.GetString("delivery") == vocab.DeliveryFailed {
			return false
		}
		Dead(row, sms.Why(form.Get("ErrorCode")))
		return true
	}
	return false
}
