package notify

import (
	"maps"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/privacy"
)

// Staff is which staff devices a notice goes to.
type Staff struct {
	OnDutyOnly bool     // of the staff on duty only
	Roles      []string // of these roles only; all when none (a superuser without a role is IT)
}

// The staff audiences.
var (
	OnDuty   = Staff{OnDutyOnly: true}
	AllStaff = Staff{}
	Consuls  = Staff{Roles: []string{privacy.RoleConsul}}
)

// Working tells whether a push subscription works: its last push did not fail (failures is
// 0: the dispatcher counts each push the push service did not take, and a delivered one sets
// it back to 0). A new subscription works until a push to it fails; one the push service no
// longer knows is deleted. A staff member is reachable through a working subscription, or
// through their phone when SMS is configured; an e-mail reaches nobody in time and is no page.
func Working(sub *core.Record) bool {
	return sub.GetInt("failures") == 0
}

// WorkingOf selects the working push subscriptions of owner: Working, as a query.
func WorkingOf(owner dbx.HashExp) dbx.HashExp {
	working := dbx.HashExp{"failures": 0}
	maps.Copy(working, owner)
	return working
}

// Reach is what telling staff got to: the devices pushed, how many of them work, the
// phones paged and the e-mails written.
type Reach struct {
	Devices, Working, Phones, Emails int
}

// Reached is how many ways a person may have been reached now: a working device or a paged
// phone.
func (r Reach) Reached() int { return r.Working + r.Phones }

// Reachability is how a staff member can be paged now, for the health route.
type Reachability struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Devices   int    `json:"devices"`
	Working   int    `json:"working"`
	Phone     bool   `json:"phone"`
	Reachable bool   `json:"reachable"`
}

// Reachabilities tells how each of the staff s can be paged now; sms tells whether SMS is
// configured.
func Reachabilities(app core.App, s Staff, sms bool) ([]Reachability, error) {
	members, err := staffMembers(app, s)
	if err != nil {
		return nil, err
	}
	out := make([]Reachability, 0, len(members))
	for _, m := range members {
		r := Reachability{
			ID: m.rec.Id, Name: m.rec.GetString("name"), Email: m.rec.Email(),
			Role: privacy.StaffRole(m.rec), Devices: len(m.subs), Phone: m.rec.GetString("phone") != "",
		}
		for _, sub := range m.subs {
			if Working(sub) {
				r.Working++
			}
		}
		r.Reachable = r.Working > 0 || (r.Phone && sms)
		out = append(out, r)
	}
	return out, nil
}

// ToStaff queues n, about the alert uid ("" for none) and opening url, to each device of
// the staff s, in the caller's transaction (app may be a txApp). It returns how many devices
// it went to.
func ToStaff(app core.App, s Staff, n Notice, uid, url string, v Vars) (int, error) {
	r, err := eachStaffDevice(app, s, func(sub *core.Record, lang string) error {
		return outbox.Push(app, sub, n.Payload(uid, lang, url, v))
	})
	return r.Devices, err
}

// StaffURL is what a push to staff about an alert opens: the alert in the admin UI.
func StaffURL(alert *core.Record) string {
	return "/_/#/collections?collection=alerts&record=" + alert.Id
}

// PushStaff tells the devices of the staff s, and returns how many there were and how many work.
func (a *Alert) PushStaff(s Staff, n Notice) (Reach, error) {
	return eachStaffDevice(a.app, s, func(sub *core.Record, lang string) error {
		return a.push(sub, n.Payload(a.uid(), lang, StaffURL(a.alert), a.staffVars(lang)))
	})
}

// Page sends n by SMS to each of the staff s with a phone, when SMS is configured, and
// returns how many. Their phone is read at send time: the row holds only their id.
func (a *Alert) Page(s Staff, n Notice) (int, error) {
	if !a.cfg.SMS.Ready() {
		return 0, nil
	}
	return a.eachStaffMember(s, func(m staffMember) bool { return m.rec.GetString("phone") != "" },
		func(tx core.App, m staffMember, lang string) error {
			to := outbox.Recipient{Kind: vocab.RecipientStaff, ID: m.rec.Id}
			return outbox.SMS(tx, to, n.Payload(a.uid(), lang, StaffURL(a.alert), a.staffVars(lang)))
		})
}

// EmailStaff sends n by e-mail to each of the staff s, at their account's address, and
// returns how many.
func (a *Alert) EmailStaff(s Staff, n Notice) (int, error) {
	return a.eachStaffMember(s, func(m staffMember) bool { return m.rec.Email() != "" },
		func(tx core.App, m staffMember, lang string) error {
			return outbox.StaffEmail(tx, m.rec.Id, n.Payload(a.uid(), lang, StaffURL(a.alert), a.staffVars(lang)))
		})
}

// eachStaffMember queues send for each of the staff s that ok takes, in their language (their
// newest device's), and returns how many.
func (a *Alert) eachStaffMember(s Staff, ok func(staffMember) bool, send func(tx core.App, m staffMember, lang string) error) (int, error) {
	members, err := staffMembers(a.app, s)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range members {
		if !ok(m) {
			continue
		}
		lang := m.lang()
		if err := a.Queue(func(tx core.App) error { return send(tx, m, lang) }); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// staffVars are the placeholders' values for staff: no name, place or consulate.
func (a *Alert) staffVars(lang string) Vars {
	city := a.City
	if lang == "es" {
		city = jurisdiction.CitySpanish(city)
	}
	return Vars{Kind: kindText[a.alert.GetString("kind")].In(lang), City: city}
}

// eachStaffDevice calls send for each push subscription of the staff s, with the language
// the device asked for, and returns how many there were and how many work.
func eachStaffDevice(app core.App, s Staff, send func(sub *core.Record, lang string) error) (Reach, error) {
	subs, err := StaffDevices(app, s)
	if err != nil {
		return Reach{}, err
	}
	var r Reach
	for _, sub := range subs {
		if err := send(sub, Lang(sub.GetString("language"))); err != nil {
			return Reach{}, err
		}
		r.Devices++
		if Working(sub) {
			r.Working++
		}
	}
	return r, nil
}

// staffMember is a staff account and its push subscriptions, oldest first.
type staffMember struct {
	rec  *core.Record
	subs []*core.Record
}

// lang is the language of the member's newest device, else Spanish.
func (m staffMember) lang() string {
	if len(m.subs) == 0 {
		return "es"
	}
	return Lang(m.subs[len(m.subs)-1].GetString("language"))
}

// staffMembers returns the staff s with their devices, oldest account first.
func staffMembers(app core.App, s Staff) ([]staffMember, error) {
	var recs []*core.Record
	if err := app.RecordQuery(core.CollectionNameSuperusers).AndWhere(staffExp(s)).OrderBy("created ASC").All(&recs); err != nil {
		return nil, err
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	subs, err := devicesOf(app, ids)
	if err != nil {
		return nil, err
	}
	bySub := map[string][]*core.Record{}
	for _, sub := range subs {
		bySub[sub.GetString("staff")] = append(bySub[sub.GetString("staff")], sub)
	}
	out := make([]staffMember, len(recs))
	for i, r := range recs {
		out[i] = staffMember{rec: r, subs: bySub[r.Id]}
	}
	return out, nil
}

// StaffDevices returns the push subscriptions of the staff s's devices, oldest first.
//
// The staff are read first, then their subscriptions by idx_push_staff: as a join, SQLite
// scanned every registrant's and relative's subscription for the few staff ones, inside the
// write transaction of every alert and escalation (BENCHMARKS.md, scenario scale).
func StaffDevices(app core.App, s Staff) ([]*core.Record, error) {
	var ids []string
	if err := app.DB().Select("id").From(core.CollectionNameSuperusers).AndWhere(staffExp(s)).Column(&ids); err != nil {
		return nil, err
	}
	return devicesOf(app, ids)
}

// staffExp selects the staff s.
func staffExp(s Staff) dbx.Expression {
	var exps []dbx.Expression
	if s.OnDutyOnly {
		exps = append(exps, dbx.NewExp("[[on_duty]] = TRUE"))
	}
	if len(s.Roles) > 0 {
		values := make([]any, 0, len(s.Roles)+1)
		for _, r := range s.Roles {
			values = append(values, r)
			if r == privacy.RoleIT {
				values = append(values, "")
			}
		}
		exps = append(exps, dbx.In("role", values...))
	}
	if len(exps) == 0 {
		return dbx.NewExp("1 = 1")
	}
	return dbx.And(exps...)
}

// devicesOf returns the push subscriptions of the staff ids, oldest first.
func devicesOf(app core.App, ids []string) ([]*core.Record, error) {
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
