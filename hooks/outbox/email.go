package outbox

import (
	"database/sql"
	"errors"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/privacy"
	"alertbutton/hooks/push"
)

const contacts = "contacts"

func (d *Dispatcher) sendEmail(row *core.Record) (bool, error) {
	if !d.app.Settings().SMTP.Enabled {
		return false, d.dead(row, "e-mail is off: configure SMTP in the admin UI (Settings > Mail settings)")
	}
	contact, err := d.app.FindRecordById(contacts, row.GetString("target"))
	if errors.Is(err, sql.ErrNoRows) {
		return false, d.dead(row, "the contact no longer exists")
	}
	if err != nil {
		return false, err
	}
	addr, err := privacy.Open(d.cfg.Sealer(), contact, "email")
	if err != nil {
		return false, d.dead(row, "the contact's e-mail address cannot be opened with the current data key")
	}
	if addr == "" {
		return false, d.dead(row, "the contact has no e-mail address")
	}
	to, err := mail.ParseAddress(addr)
	if err != nil {
		return false, d.dead(row, "the contact's e-mail address is not valid")
	}
	var p push.Payload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return false, d.dead(row, "the payload is not a push payload: "+err.Error())
	}

	Tried(row)
	msg, err := d.emailMessage(mail.Address{Address: to.Address}, p)
	if err != nil {
		return false, err
	}
	if err := d.app.NewMailClient().Send(msg); err != nil {
		// A mail server's answer may quote the address; the row must not hold it.
		reason := strings.ReplaceAll(err.Error(), to.Address, "<recipient>")
		if refusedForGood(err) {
			return false, d.dead(row, "the mail server refused the e-mail: "+reason)
		}
		d.markRetry(row, 0, reason)
		return false, d.save(row, nil)
	}
	Sent(row, d.now())
	return true, d.save(row, nil)
}

// refusedForGood tells whether the mail server answered with a permanent failure (SMTP 5xx:
// no such mailbox, rejected): sending it again would fail again. A temporary one (4xx) or a
// server out of reach is retried.
func refusedForGood(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply) && reply.Code >= 500
}
