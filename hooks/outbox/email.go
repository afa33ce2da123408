package outbox

import (
	"database/sql"
	"errors"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/push"
)

const contacts = "contacts"

func (d *Dispatcher) sendEmail(row *core.Record) (bool, error) {
	if !d.app.Settings().SMTP.Enabled {
		return false, d.dead(row, "e-mail is off: configure SMTP in the admin UI (Settings > Mail settings)")
	}
	staff := row.GetString("recipient_kind") == vocab.RecipientStaff
	addr, why, err := d.emailAddress(row, staff)
	if err != nil {
		return false, err
	}
	if why != "" {
		return false, d.dead(row, why)
	}
	to, err := mail.ParseAddress(addr)
	if err != nil {
		return false, d.dead(row, "the "+recipientWord(staff)+"'s e-mail address is not valid")
	}
	var p push.Payload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return false, d.dead(row, "the payload is not a push payload: "+err.Error())
	}

	Tried(row)
	msg, err := d.emailMessage(mail.Address{Address: to.Address}, p, staff)
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

// emailAddress is the address a row is for: a contact's, sealed, opened only now; a staff
// member's, their account's. why says, without the address, why there is none.
func (d *Dispatcher) emailAddress(row *core.Record, staff bool) (addr, why string, err error) {
	collection := contacts
	if staff {
		collection = core.CollectionNameSuperusers
	}
	rec, err := d.app.FindRecordById(collection, row.GetString("target"))
	if errors.Is(err, sql.ErrNoRows) {
		return "", "the " + recipientWord(staff) + " no longer exists", nil
	}
	if err != nil {
		return "", "", err
	}
	if staff {
		addr = rec.Email()
	} else if addr, err = privacy.Open(d.cfg.Sealer(), rec, "email"); err != nil {
		return "", "the contact's e-mail address cannot be opened with the current data key", nil
	}
	if addr == "" {
		return "", "the " + recipientWord(staff) + " has no e-mail address", nil
	}
	return addr, "", nil
}

func recipientWord(staff bool) string {
	if staff {
		return "staff member"
	}
	return "contact"
}

// refusedForGood tells whether the mail server answered with a permanent failure (SMTP 5xx:
// no such mailbox, rejected): sending it again would fail again. A temporary one (4xx) or a
// server out of reach is retried.
func refusedForGood(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply) && reply.Code >= 500
}
