package notify

import (
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// What a registrant's disclosure setting lets relatives be told: "all" is everything,
// facility included; "status" that an alert happened and how it goes, never where; "none"
// nothing.
const (
	LevelStatus = "status"
	LevelAll    = "all"
)

const (
	urlRegistrant = "/"
	urlFamily     = "/family/"
)

// Alert tells the audiences of one alert: the registrant's devices, the relatives, the
// staff and the peer consulates. It queues the outbox rows in the caller's transaction or,
// when planned, keeps them for Write.
type Alert struct {
	app   core.App
	cfg   *appliance.Config
	alert *core.Record
	reg   *core.Record // nil for walk-ins; read when first needed

	Facility  string // for the facility milestone only
	City      string // the peer consulate whose word is told, for the peer notices
	WasClosed bool   // the change being told happened to a closed alert

	// PersonClosed tells whether the person closed the alert with a PIN: their phone then
	// hears nothing more of it. Nil: never.
	PersonClosed func(app core.App, alert *core.Record) (bool, error)

	planning bool
	planned  []func(tx core.App) error
}

// About returns the audiences of alert, in app (which may be a txApp). registrant may be
// nil: the alert's is read when a notice needs it.
func About(app core.App, cfg *appliance.Config, alert, registrant *core.Record) *Alert {
	return &Alert{app: app, cfg: cfg, alert: alert, reg: registrant}
}

// Plan is About for an alert about to be stored: it reads the audiences now, on app, and
// keeps the rows for Write, in the transaction that stores the alert.
func Plan(app core.App, cfg *appliance.Config, alert, registrant *core.Record) *Alert {
	a := About(app, cfg, alert, registrant)
	a.planning = true
	return a
}

// Registrant tells the registrant's own phones of an open alert. An alert kept open by the
// duress PIN tells them nothing: whoever holds the phone must believe it was cancelled; nor
// does one closed already, by staff or by the person, which would tell the two PINs apart.
func (a *Alert) Registrant(n Notice) error {
	if a.alert.GetBool("duress") || a.WasClosed {
		return nil
	}
	reg := a.registrant()
	if reg == nil {
		return nil
	}
	if a.PersonClosed != nil {
		if closed, err := a.PersonClosed(a.app, a.alert); err != nil || closed {
			return err // a later status (a peer's) of an alert the person closed: its phone hears nothing
		}
	}
	return a.devices(dbx.HashExp{"registrant": reg.Id}, reg.GetString("language"), urlRegistrant, n)
}

// Relatives tells every relative of the registrant whose disclosure setting allows level,
// except the contact skip (who reported it), and only those the alert found when raised.
func (a *Alert) Relatives(level string, n Notice, skip string) error {
	contacts, err := RelativesOf(a.app, a.alert, a.registrant(), level)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		if c.Id == skip {
			continue
		}
		if err := a.Contact(c, n); err != nil {
			return err
		}
	}
	return nil
}

// RelativesOf are the relatives of reg (the alert's registrant, nil for none) who hear of
// alert at level: those the registrant's disclosure setting allows, as they were when the
// alert was raised.
func RelativesOf(app core.App, alert, reg *core.Record, level string) ([]*core.Record, error) {
	if reg == nil || !discloses(reg.GetString("disclosure"), level) {
		return nil, nil
	}
	contacts, err := app.FindAllRecords("contacts", dbx.HashExp{"registrant": reg.Id})
	if err != nil {
		return nil, err
	}
	var out []*core.Record
	for _, c := range contacts {
		if outbox.ExistedAtRaise(alert, c, "created", "updated") {
			out = append(out, c)
		}
	}
	return out, nil
}

// Contact tells one relative, on each of their push subscriptions, by SMS when none works,
// and by e-mail when they gave an address (sealed; the e-mail dispatcher opens it).
func (a *Alert) Contact(c *core.Record, n Notice) error {
	if err := a.devices(dbx.HashExp{"contact": c.Id}, c.GetString("language"), urlFamily, n); err != nil {
		return err
	}
	if err := a.sms(c, n); err != nil {
		return err
	}
	if c.GetString("email") == "" {
		return nil
	}
	lang := Lang(c.GetString("language"))
	p := n.Payload(a.uid(), lang, urlFamily, a.vars(lang))
	return a.Queue(func(tx core.App) error { return outbox.Email(tx, c.Id, p) })
}

// sms texts a relative who gave a phone number (sealed; the SMS dispatcher opens it) and has
// no working device: none subscribed when the alert was raised whose pushes go through.
func (a *Alert) sms(c *core.Record, n Notice) error {
	if c.GetString("phone") == "" || a.cfg == nil || !a.cfg.SMS.Ready() {
		return nil
	}
	working, err := a.app.FindAllRecords("push_subscriptions", WorkingOf(dbx.HashExp{"contact": c.Id}))
	if err != nil {
		return err
	}
	for _, s := range working {
		if outbox.ExistedAtRaise(a.alert, s, "created") {
			return nil
		}
	}
	lang := Lang(c.GetString("language"))
	p := n.Payload(a.uid(), lang, urlFamily, a.vars(lang))
	to := outbox.Recipient{Kind: vocab.RecipientContact, ID: c.Id}
	return a.Queue(func(tx core.App) error { return outbox.SMS(tx, to, p) })
}

// devices pushes n, opening url, to the push subscriptions of owner (a registrant or a
// relative) that the alert found when raised, in the owner's language lang if it is one the
// appliance speaks, else the device's.
func (a *Alert) devices(owner dbx.HashExp, lang, url string, n Notice) error {
	subs, err := a.app.FindAllRecords("push_subscriptions", owner)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if !outbox.ExistedAtRaise(a.alert, s, "created") {
			continue
		}
		l := Lang(lang, s.GetString("language"))
		if err := a.push(s, n.Payload(a.uid(), l, url, a.vars(l))); err != nil {
			return err
		}
	}
	return nil
}

// Staff tells the devices of the staff s, and returns how many (PushStaff tells how many work).
func (a *Alert) Staff(s Staff, n Notice) (int, error) {
	r, err := a.PushStaff(s, n)
	return r.Devices, err
}

// Peers queues an envelope of type typ (vocab.MessageCreated, MessageStatus) for each other
// consulate the alert concerns: the one whose jurisdiction covers the place, the
// registrant's home consulate (which always keeps a copy) and, on an appliance that
// received the alert from a peer, its origin.
func (a *Alert) Peers(typ string) error {
	for _, code := range PeerCodes(a.cfg.Consulate.Code, a.alert) {
		if err := a.Queue(func(tx core.App) error { return outbox.Federation(tx, code, typ, a.uid()) }); err != nil {
			return err
		}
	}
	return nil
}

// PeerCodes are the consulates other than self that alert's envelopes go to.
func PeerCodes(self string, alert *core.Record) []string {
	var codes []string
	for _, f := range []string{"target_consulate", "home_consulate", "origin_consulate"} {
		code := alert.GetString(f)
		if code != "" && code != self && !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes
}

// Write writes the planned rows in tx.
func (a *Alert) Write(tx core.App) error {
	for _, row := range a.planned {
		if err := row(tx); err != nil {
			return err
		}
	}
	return nil
}

// Queue writes a row now, or keeps it for Write when planned.
func (a *Alert) Queue(row func(tx core.App) error) error {
	if !a.planning {
		return row(a.app)
	}
	a.planned = append(a.planned, row)
	return nil
}

func (a *Alert) push(sub *core.Record, p push.Payload) error {
	return a.Queue(func(tx core.App) error { return outbox.Push(tx, sub, p) })
}

// registrant is the alert's registrant, read when first needed; nil for a walk-in (or one
// gone: nobody to tell).
func (a *Alert) registrant() *core.Record {
	if id := a.alert.GetString("registrant"); a.reg == nil && id != "" {
		a.reg, _ = a.app.FindRecordById("registrants", id)
	}
	return a.reg
}

func (a *Alert) uid() string { return a.alert.GetString("uid") }

// vars are the placeholders' values for the registrant and the relatives.
func (a *Alert) vars(lang string) Vars {
	v := Vars{Facility: a.Facility, Kind: kindText[a.alert.GetString("kind")].In(lang)}
	v.Name = firstName(a.registrant(), lang)
	v.Consulate = a.cfg.Consulate.Name
	if lang == "en" {
		v.Consulate = "Consulate of Mexico in " + a.cfg.Consulate.City
	}
	return v
}

// firstName is all of a registrant's name a notification shows.
func firstName(reg *core.Record, lang string) string {
	if reg != nil {
		if f := strings.Fields(reg.GetString("name")); len(f) > 0 {
			return f[0]
		}
	}
	if lang == "en" {
		return "Your relative"
	}
	return "Su familiar"
}

func discloses(setting, level string) bool {
	switch setting {
	case "all":
		return true
	case "none":
		return false
	default: // "status", or unset: the cautious choice
		return level == LevelStatus
	}
}
