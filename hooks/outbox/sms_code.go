package outbox

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/push"
)

// codeTables are where the one-time code of a registrant's SMS waits, by payload type
// (registrants.SMSVerifyCode, registrants.SMSRecoveryCode): as a hash, and a sealed copy
// opened only here, to write the message.
var codeTables = map[string]string{
	"code.verify":   "phone_codes",
	"code.recovery": "recovery_codes",
}

// registrantSMS is an SMS to a registrant's own phone: a one-time code (the payload's body
// says {code} where it goes) or a notice about their number. A code already used, expired
// or replaced is not sent: the newest one's SMS carries the newest code.
func (d *Dispatcher) registrantSMS(id string, p push.Payload) (to smsTo, why string, err error) {
	r, err := d.app.FindRecordById("registrants", id)
	if errors.Is(err, sql.ErrNoRows) {
		return to, "the registrant no longer exists", nil
	}
	if err != nil {
		return to, "", err
	}
	to.phone, to.text = r.GetString("phone"), p.Body
	table, isCode := codeTables[p.Type]
	if !isCode {
		return to, "", nil
	}
	var sealed string
	err = d.app.DB().Select("code_sealed").From(table).Where(dbx.HashExp{"registrant": id}).Row(&sealed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sealed == "") {
		return to, "the code was used or expired before it was sent", nil
	}
	if err != nil {
		return to, "", err
	}
	code, err := d.cfg.Sealer().Open(id, table+".code", sealed)
	if err != nil {
		return to, "the code cannot be opened with the current data key", nil
	}
	to.text = strings.ReplaceAll(p.Body, "{code}", code)
	return to, "", nil
}
