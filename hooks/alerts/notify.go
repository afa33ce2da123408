package alerts

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// What a registrant's disclosure setting lets relatives be told: "all" is everything,
// facility included; "status" that an alert happened and how it goes, never where; "none"
// nothing.
const (
	levelStatus = "status"
	levelAll    = "all"
)

const (
	urlRegistrant = "/"
	urlFamily     = "/family/"
)

// notifier queues the outbox rows about one alert, in the caller's transaction, or, while
// planning, keeps them for write.
type notifier struct {
	app      core.App
	cfg      *appliance.Config
	alert    *core.Record
	reg      *core.Record // nil for walk-ins
	facility string       // for the facility milestone only

	wasClosed bool // the change being told happened to a closed alert

	planning bool
	planned  []func(tx core.App) error
}

func newNotifier(app core.App, cfg *appliance.Config, alert, registrant *core.Record) *notifier {
	if registrant == nil && alert.GetString("registrant") != "" {
		registrant, _ = app.FindRecordById("registrants", alert.GetString("registrant"))
	}
	return &notifier{app: app, cfg: cfg, alert: alert, reg: registrant}
}

// registrant tells the registrant's own phones of an open alert. An alert kept open by the
// duress PIN tells them nothing: whoever holds the phone must believe it was cancelled; nor
// does one closed already, by staff or by the person, which would tell the two PINs apart.
func (n *notifier) registrant(m notice) error {
	if n.reg == nil || n.alert.GetBool("duress") || n.wasClosed {
		return nil
	}
	if closed, err := PersonClosed(n.app, n.alert); err != nil || closed {
		return err // a later status (a peer's) of an alert the person closed: its phone hears nothing
	}
	subs, err := n.app.FindAllRecords("push_subscriptions", dbx.HashExp{"registrant": n.reg.Id})
	if err != nil {
		return err
	}
	for _, s := range subs {
		if !n.existedAtRaise(s, "created") {
			continue
		}
		lang := pickLang(n.reg.GetString("language"), s.GetString("language"))
		if err := n.pushTo(s.Id, m.payload(n.uid(), lang, urlRegistrant, n.vars(lang))); err != nil {
			return err
		}
	}
	return nil
}

// relatives tells every relative of the registrant whose disclosure setting allows level,
// except the contact skip (who reported it), and only those the alert found when raised.
func (n *notifier) relatives(level string, m notice, skip string) error {
	if n.reg == nil || !discloses(n.reg.GetString("disclosure"), level) {
		return nil
	}
	contacts, err := n.app.FindAllRecords("contacts", dbx.HashExp{"registrant": n.reg.Id})
	if err != nil {
		return err
	}
	for _, c := range contacts {
		if c.Id == skip || !n.existedAtRaise(c, "created", "updated") {
			continue
		}
		if err := n.contact(c, m); err != nil {
			return err
		}
	}
	return nil
}

// contact tells one relative, on each of their push subscriptions and by e-mail when they
// gave an address (sealed; the e-mail dispatcher opens it).
func (n *notifier) contact(c *core.Record, m notice) error {
	subs, err := n.app.FindAllRecords("push_subscriptions", dbx.HashExp{"contact": c.Id})
	if err != nil {
		return err
	}
	for _, s := range subs {
		if !n.existedAtRaise(s, "created") {
			continue
		}
		lang := pickLang(c.GetString("language"), s.GetString("language"))
		if err := n.pushTo(s.Id, m.payload(n.uid(), lang, urlFamily, n.vars(lang))); err != nil {
			return err
		}
	}
	if c.GetString("email") == "" {
		return nil
	}
	lang := pickLang(c.GetString("language"))
	p := m.payload(n.uid(), lang, urlFamily, n.vars(lang))
	return n.queue(func(tx core.App) error { return outbox.Email(tx, c.Id, p) })
}

// staff tells the staff's devices: those on duty, or everyone when onDutyOnly is false.
func (n *notifier) staff(onDutyOnly bool, m notice) error {
	return EachStaffDevice(n.app, onDutyOnly, func(subscriptionID, lang string) error {
		return n.pushTo(subscriptionID, m.payload(n.uid(), lang, StaffURL(n.alert), n.vars(lang)))
	})
}

// EachStaffDevice calls send for each push subscription of the staff on duty (or of all
// staff), of the given roles (all when none), with the language the device asked for.
func EachStaffDevice(app core.App, onDutyOnly bool, send func(subscriptionID, lang string) error, roles ...string) error {
	subs, err := StaffSubscriptions(app, onDutyOnly, roles...)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if err := send(s.Id, pickLang(s.GetString("language"))); err != nil {
			return err
		}
	}
	return nil
}

// StaffURL is what a push to staff opens: the alert in the admin UI.
func StaffURL(alert *core.Record) string {
	return "/_/#/collections?collection=alerts&record=" + alert.Id
}

// existedAtRaise tells whether r (a relative or a push subscription) was as it is when the
// alert was raised: one added or changed later (a new relative, family link, e-mail or
// subscription) may be someone holding the seized phone, and hears nothing of this alert,
// which would otherwise tell them a real cancel from a duress one.
func (n *notifier) existedAtRaise(r *core.Record, fields ...string) bool {
	raised := n.alert.GetDateTime("created")
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

// queue writes a row now, or keeps it for write while planning.
func (n *notifier) queue(row func(tx core.App) error) error {
	if !n.planning {
		return row(n.app)
	}
	n.planned = append(n.planned, row)
	return nil
}

// write writes the planned rows in tx.
func (n *notifier) write(tx core.App) error {
	for _, row := range n.planned {
		if err := row(tx); err != nil {
			return err
		}
	}
	return nil
}

func (n *notifier) pushTo(subscriptionID string, p push.Payload) error {
	return n.queue(func(tx core.App) error { return outbox.Push(tx, subscriptionID, p) })
}

func (n *notifier) uid() string { return n.alert.GetString("uid") }

func (n *notifier) vars(lang string) vars {
	v := vars{facility: n.facility, kind: kindText[n.alert.GetString("kind")].In(lang)}
	v.name = firstName(n.reg, lang)
	v.consulate = n.cfg.Consulate.Name
	if lang == "en" {
		v.consulate = "Consulate of Mexico in " + n.cfg.Consulate.City
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
		return level == levelStatus
	}
}

// pickLang is the first of the given languages that is one the appliance speaks, else Spanish.
func pickLang(choices ...string) string {
	for _, l := range choices {
		if l == "es" || l == "en" {
			return l
		}
	}
	return "es"
}

// StaffSubscriptions returns the push subscriptions of staff devices: of staff on duty when
// onDutyOnly, of the given roles when any are given (a superuser without a role is IT).
//
// The staff are read first, then their subscriptions by idx_push_staff: as a join, SQLite
// scanned every registrant's and relative's subscription for the few staff ones, inside the
// write transaction of every alert and escalation (BENCHMARKS.md, scenario scale).
func StaffSubscriptions(app core.App, onDutyOnly bool, roles ...string) ([]*core.Record, error) {
	staff := app.DB().Select("id").From(core.CollectionNameSuperusers)
	if onDutyOnly {
		staff.AndWhere(dbx.NewExp("[[on_duty]] = TRUE"))
	}
	if len(roles) > 0 {
		values := make([]any, 0, len(roles)+1)
		for _, r := range roles {
			values = append(values, r)
			if r == "it" {
				values = append(values, "")
			}
		}
		staff.AndWhere(dbx.In("role", values...))
	}
	var ids []string
	if err := staff.Column(&ids); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	owners := make([]any, len(ids))
	for i, id := range ids {
		owners[i] = id
	}
	var subs []*core.Record
	err := app.RecordQuery("push_subscriptions").
		AndWhere(dbx.In("staff", owners...)).
		OrderBy("created ASC").
		All(&subs)
	if err != nil {
		return nil, err
	}
	return subs, nil
}
