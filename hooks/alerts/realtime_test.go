package alerts_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/alerts"
)

// sse is a realtime client of PocketBase's /api/realtime.
type sse struct {
	events chan sseEvent
	id     string
}

type sseEvent struct{ name, data string }

// subscribe connects to the realtime endpoint as token and subscribes to topics.
func subscribe(t *testing.T, srv *httptest.Server, token string, topics ...string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	c := &sse{events: make(chan sseEvent, 16)}
	go func() {
		defer res.Body.Close()
		defer close(c.events)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimPrefix(line, "event:")
			case strings.HasPrefix(line, "data:"):
				ev.data = strings.TrimPrefix(line, "data:")
			case line == "":
				if ev.name != "" {
					c.events <- ev
				}
				ev = sseEvent{}
			}
		}
	}()
	connect := c.next(t, 5*time.Second)
	if connect.name != "PB_CONNECT" {
		t.Fatalf("first event %+v", connect)
	}
	var hello struct{ ClientID string }
	json.Unmarshal([]byte(connect.data), &hello)
	body, _ := json.Marshal(map[string]any{"clientId": hello.ClientID, "subscriptions": topics})
	if status, out := call(t, srv, http.MethodPost, "/api/realtime", token, string(body)); status != 204 {
		t.Fatalf("subscribe: %d %s", status, out)
	}
	return c
}

// next waits for the next event; a zero event on timeout.
func (c *sse) next(t *testing.T, timeout time.Duration) sseEvent {
	t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-time.After(timeout):
		return sseEvent{}
	}
}

func TestStaffSeeNewAlertsInRealtime(t *testing.T) {
	w := newWorld(t, "all")
	srv := server(t, w.app)
	staff := subscribe(t, srv, w.tokAdviser, "alerts")

	alert, _, err := alerts.Raise(w.app, w.cfg, button(w, laLat, laLon))
	if err != nil {
		t.Fatal(err)
	}
	ev := staff.next(t, 5*time.Second)
	if ev.name != "alerts" || !strings.Contains(ev.data, `"action":"create"`) || !strings.Contains(ev.data, alert.GetString("uid")) {
		t.Fatalf("staff got %+v, want the create of %s", ev, alert.GetString("uid"))
	}
	if !strings.Contains(ev.data, secretNote) || !strings.Contains(ev.data, `"duress":false`) {
		t.Errorf("the adviser sees the opened note and the duress flag: %s", ev.data)
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
	srv := server(t, w.app)
	phone := subscribe(t, srv, w.tokA, "alerts/"+alert.Id, "alerts", "alert_events", "checkins")
	staff := subscribe(t, srv, w.tokAdviser, "alerts/"+alert.Id)

	if status, body := call(t, srv, http.MethodPost, r.url(alert), w.tokA, pinBody(pin)); status != 200 {
		t.Fatal(r.name, status, body)
	}
	if ev := staff.next(t, 5*time.Second); !strings.Contains(ev.data, `"duress":`+map[string]string{cancelPIN: "false", duressPIN: "true"}[pin]) {
		t.Fatalf("%s: staff got %+v", r.name, ev)
	}
	if pin == duressPIN {
		if status, body := call(t, srv, http.MethodPatch, recordsURL+"/"+alert.Id, w.tokAdviser, `{"status":"acknowledged"}`); status != 200 {
			t.Fatal(status, body)
		}
		if ev := staff.next(t, 5*time.Second); !strings.Contains(ev.data, `"status":"acknowledged"`) {
			t.Fatalf("%s: staff got %+v", r.name, ev)
		}
	}
	if ev := phone.next(t, time.Second); ev.name != "" {
		t.Errorf("%s with PIN %s: the phone heard %+v", r.name, pin, ev)
	}
}
