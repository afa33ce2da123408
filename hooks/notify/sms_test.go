package notify_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
)

// smsTo lists the relatives an SMS is queued to.
func smsTo(t *testing.T, app core.App) map[string]bool {
	t.Helper()
	rows, err := app.FindAllRecords("outbox", dbx.HashExp{"channel": vocab.ChannelSMS})
	if err != nil {
		t.Fatal(err)
	}
	to := map[string]bool{}
	for _, r := range rows {
		if r.GetString("recipient_kind") != vocab.RecipientContact {
			t.Fatalf("an SMS to %s", r.GetString("recipient_kind"))
		}
		to[r.GetString("recipient")] = true
	}
	return to
}

// Relatives with a phone number and no working push subscription get an SMS; those with one
// that works, or no number, do not; nobody does when SMS is off.
func TestRelativesWithoutWorkingPushAreTextedAtRaise(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		app, cfg := apptest.New(t, "los-angeles")
		if on {
			cfg.SMS = appliance.SMS{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: "token", From: "+12135550100"}
		}
		reg := apptest.Registrant(t, app, "+13105550190", apptest.Fields{"name": "Ana López"})
		noPush := apptest.Contact(t, app, reg, apptest.Fields{"phone": "+13235550131"})
		working := apptest.Contact(t, app, reg, apptest.Fields{"phone": "+13235550132"})
		failing := apptest.Contact(t, app, reg, apptest.Fields{"phone": "+13235550133"})
		noPhone := apptest.Contact(t, app, reg, nil)
		apptest.Subscription(t, app, "contact", working.Id, "es")
		sub := apptest.Subscription(t, app, "contact", failing.Id, "es")
		sub.Set("failures", 3)
		if err := app.Save(sub); err != nil {
			t.Fatal(err)
		}
		apptest.Raise(t, app, cfg, reg, 34.05, -118.24, "")
		to := smsTo(t, app)
		want := map[string]bool{noPush.Id: on, failing.Id: on, working.Id: false, noPhone.Id: false}
		for id, texted := range want {
			if to[id] != texted {
				t.Errorf("SMS on %v: relative %s texted %v, want %v", on, id, to[id], texted)
			}
		}
	}
}
