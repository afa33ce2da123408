package outbox

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/push"
	"alertbutton/hooks/sms"
)

// smsOff is why an SMS fails when serve was started without an SMS provider.
const smsOff = "SMS is not set up: start serve with --sms-account, --sms-from and $ALERTBUTTON_SMS_TOKEN (README, Running it for real)"

// SMSStatusPath is where the SMS provider reports delivery: the public URL's, which the
// messages name and the callbacks' signatures cover.
const SMSStatusPath = "/api/alertbutton/sms/status"

// newSMSSender is the dispatcher's sender, or nil when SMS is off.
func newSMSSender(s appliance.SMS, client *http.Client) (*sms.Sender, error) {
	if !s.Ready() {
		return nil, nil
	}
	return sms.New(sms.Account{SID: s.AccountSID, Token: s.AuthToken, From: s.From, BaseURL: s.BaseURL}, client)
}

func (d *Dispatcher) sendSMS(ctx context.Context, row *core.Record) (bool, error) {
	if d.sms == nil {
		return false, d.dead(row, smsOff)
	}
	var p push.Payload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return false, d.dead(row, "the payload is not a push payload: "+err.Error())
	}
	to, why, err := d.smsRecipient(row, p)
	if err != nil || why != "" {
		if err != nil {
			return false, err
		}
		return false, d.dead(row, why)
	}
	release, over, err := d.budget.reserve(d, p.Alert)
	if err != nil {
		return false, err
	}
	if over != "" {
		return false, d.dead(row, over)
	}
	defer release()

	Tried(row)
	text := to.text
	if text == "" {
		text = smsText(p, to.tail)
	}
	res := d.sms.Send(ctx, sms.Message{To: to.phone, Body: text, StatusCallback: smsCallback(d.cfg)})
	switch res.Outcome {
	case sms.Accepted:
		Handed(row, d.now(), res.SID)
		return true, d.save(row, nil)
	case sms.Retry:
		d.markRetry(row, res.RetryAfter, res.Reason)
		return false, d.save(row, nil)
	default:
		if res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
			res.Reason += " (check --sms-account and $ALERTBUTTON_SMS_TOKEN)"
		}
		return false, d.dead(row, res.Reason)
	}
}

// smsTo is where an SMS goes: the number, and what ends the text (a link, a number to call),
// or the whole text when it is not a notice's (a registrant's one-time code).
type smsTo struct {
	phone, tail, text string
}

// smsRecipient reads the row's recipient now (nothing personal is kept in the row): a
// relative's sealed phone and family link, or a staff member's phone. why says why there is
// none to send to.
func (d *Dispatcher) smsRecipient(row *core.Record, p push.Payload) (to smsTo, why string, err error) {
	switch row.GetString("recipient_kind") {
	case vocab.RecipientContact:
		return d.contactSMS(row.GetString("target"), p)
	case vocab.RecipientRegistrant:
		return d.registrantSMS(row.GetString("target"), p)
	case vocab.RecipientStaff:
		staff, err := d.app.FindRecordById(core.CollectionNameSuperusers, row.GetString("target"))
		if errors.Is(err, sql.ErrNoRows) {
			return to, "the staff member no longer exists", nil
		}
		if err != nil {
			return to, "", err
		}
		if to.phone = staff.GetString("phone"); to.phone == "" {
			return to, "the staff member has no phone number (_superusers, field phone)", nil
		}
		to.tail = d.link(p.URL)
		return to, "", nil
	default:
		return to, "SMS goes to relatives, staff and registrants (their codes) only", nil
	}
}

func (d *Dispatcher) contactSMS(id string, p push.Payload) (to smsTo, why string, err error) {
	contact, err := d.app.FindRecordById(contacts, id)
	if errors.Is(err, sql.ErrNoRows) {
		return to, "the contact no longer exists", nil
	}
	if err != nil {
		return to, "", err
	}
	if changed, err := d.changedSinceRaise(contact, p.Alert); err != nil || changed {
		return to, "the contact was changed after the alert was raised, so is not told of it", err
	}
	to.phone, err = privacy.Open(d.cfg.Sealer(), contact, "phone")
	if err != nil {
		return to, "the contact's phone number cannot be opened with the current data key", nil
	}
	if to.phone == "" {
		return to, "the contact has no phone number", nil
	}
	to.tail = d.familyTail(contact, p.Lang, p.Alert)
	return to, "", nil
}

// changedSinceRaise tells whether contact was changed after the alert uid was raised: its
// phone may then be that of whoever holds the person's phone, who must not hear of the alert
// (notify.Alert tells only the relatives as they were at raise, by the same rule).
func (d *Dispatcher) changedSinceRaise(contact *core.Record, uid string) (bool, error) {
	if uid == "" {
		return false, nil
	}
	alert, err := d.app.FindFirstRecordByData("alerts", "uid", uid)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !ExistedAtRaise(alert, contact, "updated"), nil
}

// ExistedAtRaise tells whether r (a relative or a push subscription) was as it is when the
// alert was raised: one added or changed later (a new relative, family link, e-mail or
// subscription) may be someone holding the seized phone, and hears nothing of this alert,
// which would otherwise tell them a real cancel from a duress one.
func ExistedAtRaise(alert, r *core.Record, fields ...string) bool {
	raised := alert.GetDateTime("created")
	if raised.IsZero() {
		return true // being raised now
	}
	for _, f := range fields {
		if r.GetDateTime(f).After(raised) {
			return false
		}
	}
	return true
}
