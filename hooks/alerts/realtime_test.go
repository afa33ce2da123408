package alerts_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

func TestStaffSeeNewAlertsInRealtime(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	srv := apptest.Serve(t, w.app)
	staff := apptest.Listen(t, srv, w.tokAdviser, "alerts")

	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
	if err != nil {
		t.Fatal(err)
	}
	ev := next(staff, 5*time.Second)
	if ev.Name != "alerts" || !strings.Contains(ev.Data, `"action":"create"`) || !strings.Contains(ev.Data, alert.GetString("uid")) {
		t.Fatalf("staff got %+v, want the create of %s", ev, alert.GetString("uid"))
	}
	if !strings.Contains(ev.Data, secretNote) || !strings.Contains(ev.Data, `"duress":false`) {
		t.Errorf("the adviser sees the opened note and the duress flag: %s", ev.Data)
	}
}

// The phone hears nothing of its alerts in realtime, whichever PIN closed them and whatever
// the advisers do after: alerts and their timeline are read through the alerts routes only.
func TestThePhoneHearsOfNothingAfterDuress(t *testing.T) {
	for _, r := range pinRoutes {
		for _, pin := range []string{cancelPIN, duressPIN} {
			phoneHearsOfNothing(t, r, pin)
		}
	}
}

func phoneHearsOfNothing(t *testing.T, r pinRoute, pin string) {
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	phone := apptest.Listen(t, srv, w.tokA, "alerts/"+alert.Id, "alerts", "alert_events", "checkins")
	staff := apptest.Listen(t, srv, w.tokAdviser, "alerts/"+alert.Id)

	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+r.url(alert), w.tokA, pinBody(pin)); status != 200 {
		t.Fatal(r.name, status, body)
	}
	if ev := next(staff, 5*time.Second); !strings.Contains(ev.Data, `"duress":`+map[string]string{cancelPIN: "false", duressPIN: "true"}[pin]) {
		t.Fatalf("%s: staff got %+v", r.name, ev)
	}
	if pin == duressPIN {
		if status, body := apptest.CallURL(t, http.MethodPatch, srv.URL+recordsURL+"/"+alert.Id, w.tokAdviser, `{"status":"acknowledged"}`); status != 200 {
			t.Fatal(status, body)
		}
		if ev := next(staff, 5*time.Second); !strings.Contains(ev.Data, `"status":"acknowledged"`) {
			t.Fatalf("%s: staff got %+v", r.name, ev)
		}
	}
	if ev := next(phone, time.Second); ev.Name != "" {
		t.Errorf("%s with PIN %s: the phone heard %+v", r.name, pin, ev)
	}
}

// next is the listener's next event, or a zero one after timeout.
func next(l *apptest.Listener, timeout time.Duration) apptest.Event {
	ev, _ := l.Next(timeout)
	return ev
}
