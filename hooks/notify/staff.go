package notify

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

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

// ToStaff queues n, about the alert uid ("" for none) and opening url, to each device of
// the staff s, in the caller's transaction (app may be a txApp). It returns how many devices
// it went to.
func ToStaff(app core.App, s Staff, n Notice, uid, url string, v Vars) (int, error) {
	return eachStaffDevice(app, s, func(sub *core.Record, lang string) error {
		return outbox.Push(app, sub, n.Payload(uid, lang, url, v))
	})
}

// StaffURL is what a push to staff about an alert opens: the alert in the admin UI.
func StaffURL(alert *core.Record) string {
	return "/_/#/collections?collection=alerts&record=" + alert.Id
}

// eachStaffDevice calls send for each push subscription of the staff s, with the language
// the device asked for, and returns how many.
func eachStaffDevice(app core.App, s Staff, send func(sub *core.Record, lang string) error) (int, error) {
	subs, err := StaffDevices(app, s)
	if err != nil {
		return 0, err
	}
	for _, sub := range subs {
		if err := send(sub, Lang(sub.GetString("language"))); err != nil {
			return 0, err
		}
	}
	return len(subs), nil
}

// StaffDevices returns the push subscriptions of the staff s's devices, oldest first.
//
// The staff are read first, then their subscriptions by idx_push_staff: as a join, SQLite
// scanned every registrant's and relative's subscription for the few staff ones, inside the
// write transaction of every alert and escalation (BENCHMARKS.md, scenario scale).
func StaffDevices(app core.App, s Staff) ([]*core.Record, error) {
	staff := app.DB().Select("id").From(core.CollectionNameSuperusers)
	if s.OnDutyOnly {
		staff.AndWhere(dbx.NewExp("[[on_duty]] = TRUE"))
	}
	if len(s.Roles) > 0 {
		values := make([]any, 0, len(s.Roles)+1)
		for _, r := range s.Roles {
			values = append(values, r)
			if r == privacy.RoleIT {
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
