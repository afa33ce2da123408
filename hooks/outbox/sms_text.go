package outbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/family/stamp"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/push"
)

// protectionLine is the Foreign Ministry's 24-hour protection line (CIAM), for a consulate
// whose own number IT has not entered yet.
const protectionLine = "+1 520 623 7874"

var (
	smsFollow = i18n.Text{ES: "Sigue el caso aquí: ", EN: "Follow the case here: "}
	smsCall   = i18n.Text{ES: "Llama al consulado: ", EN: "Call the consulate: "}
	smsCIAM   = i18n.Text{ES: "Llama a la línea de 24 horas del CIAM: ", EN: "Call the CIAM 24-hour line: "}
)

// smsText is the text of an SMS: the notice's title and body, which say nothing a lock
// screen should not (notify.Notice), and tail.
func smsText(p push.Payload, tail string) string {
	return strings.TrimSpace(p.Title + ". " + p.Body + " " + tail)
}

// familyTail ends a relative's SMS about the alert uid: their family link, opened from its
// sealed copy, or, for a relative without one, the consulate's number.
func (d *Dispatcher) familyTail(contact *core.Record, lang, uid string) string {
	if token := familyToken(d, contact); token != "" {
		return smsFollow.In(lang) + d.link("/family/#"+token+d.grant(contact, uid))
	}
	if phone := d.consulatePhone(); phone != "" {
		return smsCall.In(lang) + phone
	}
	return smsCIAM.In(lang) + protectionLine
}

// grant is "~" and a family page stamp as of the alert uid's raise, for the link of an SMS
// that tells the relative of it: a relative who first opens their link from it is shown
// that alert (hooks/family/device.go); "" when there is no such alert.
func (d *Dispatcher) grant(contact *core.Record, uid string) string {
	if uid == "" {
		return ""
	}
	alert, err := d.app.FindFirstRecordByData("alerts", "uid", uid)
	if err != nil {
		return ""
	}
	st, err := stamp.New(d.cfg.Sealer(), contact.Id, contact.GetString("family_token_hash"), alert.GetDateTime("created").Time())
	if err != nil {
		return ""
	}
	return "~" + st
}

// familyToken is the contact's family link token, or "" when it has none, or the sealed copy
// is not the token of the link in force (family_token_hash, as family.HashToken makes it):
// a copy written by someone else is never sent.
func familyToken(d *Dispatcher, contact *core.Record) string {
	hash := contact.GetString("family_token_hash")
	token, err := privacy.Open(d.cfg.Sealer(), contact, "family_token_sealed")
	if err != nil || token == "" || hash == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(hash)) != 1 {
		return ""
	}
	return token
}

// consulatePhone is this consulate's number, from the directory IT keeps, or "".
func (d *Dispatcher) consulatePhone() string {
	row, err := d.app.FindFirstRecordByData("consulates", "code", d.cfg.Consulate.Code)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(row.GetString("phone"))
}
