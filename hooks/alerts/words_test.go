package alerts_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

// The phone's timeline names the status a change of status went to, so that it can say
// "the consulate saw your alert" rather than "status changed".
func TestThePhoneTimelineSaysWhichStatus(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, fresnoLat, fresnoLon))
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Serve(t, w.app)
	for _, status := range []string{"acknowledged", "in_progress", "resolved"} {
		if code, body := apptest.CallURL(t, http.MethodPatch, srv.URL+recordsURL+"/"+alert.Id, w.tokAdviser, `{"status":"`+status+`"}`); code != 200 {
			t.Fatal(status, code, body)
		}
	}
	view, err := alerts.RegistrantView(w.app, apptest.Find(t, w.app, "alerts", alert.Id), true)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(view["events"])
	var events []struct{ Type, Status string }
	if err := json.Unmarshal(raw, &events); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		if ev.Type == alerts.EventStatus {
			got = append(got, ev.Status)
		}
	}
	if strings.Join(got, ",") != "acknowledged,in_progress,resolved" {
		t.Errorf("the phone's timeline %s names the statuses %v", raw, got)
	}
}
