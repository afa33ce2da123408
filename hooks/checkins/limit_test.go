package checkins_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/checkins"
)

func TestAtMostThreeArmedPerPerson(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h := apptest.Handler(t, w.app)
	path := "/api/collections/checkins/records"
	arm := func(token, owner string) (int, map[string]any) {
		return call(t, h, http.MethodPost, path, token, `{"registrant":"`+owner+`","due_at":"`+dateJSON(time.Now().Add(time.Hour))+`"}`)
	}

	// Requests sent at once arm no more than three.
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := arm(w.tokA, w.a.Id)
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusOK] != checkins.MaxArmed || statuses[http.StatusConflict] != 6-checkins.MaxArmed {
		t.Fatalf("six at once: %v, want 3 × 200 and 3 × 409", statuses)
	}
	status, res := arm(w.tokA, w.a.Id)
	msg, _ := res["message"].(string)
	if status != http.StatusConflict || !strings.HasPrefix(msg, "Ya tienes 3 temporizadores activos") || !strings.Contains(msg, "«Estoy bien»") {
		t.Fatalf("a 4th: %d %v", status, res)
	}
	if n := apptest.Count(t, w.app, "checkins"); n != checkins.MaxArmed {
		t.Fatalf("%d check-ins stored, want 3", n)
	}
	if status, res := arm(w.tokB, w.b.Id); status != http.StatusOK {
		t.Errorf("another person is held back: %d %v", status, res)
	}

	// Saying "I am OK" on one makes room for another.
	armed, _ := w.app.FindRecordsByFilter("checkins", "registrant = {:r}", "", 1, 0, map[string]any{"r": w.a.Id})
	if status, _ := call(t, h, http.MethodPost, "/api/alertbutton/checkins/"+armed[0].Id+"/done", w.tokA, ""); status != http.StatusOK {
		t.Fatalf("done: %d", status)
	}
	if status, res := arm(w.tokA, w.a.Id); status != http.StatusOK {
		t.Errorf("after one is done: %d %v", status, res)
	}
	if status, _ := arm(w.tokA, w.a.Id); status != http.StatusConflict {
		t.Errorf("a 4th again: %d, want 409", status)
	}
}

// A timer that runs out counts against the person's 3 new alerts a minute, as a press of the
// button does; one held back stays armed and fires once the minute has room.
func TestFiringCountsAgainstNewAlerts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h := apptest.Handler(t, w.app)
	now := time.Now()
	guard := apptest.Appliance(w.app).Guard
	guard.SetClock(func() time.Time { return now })

	due := time.Now().Add(time.Hour)
	for range checkins.MaxArmed {
		apptest.Checkin(t, w.app, w.a, due, "")
	}
	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due); n != 3 || err != nil {
		t.Fatalf("three timers: fired %d %v", n, err)
	}
	press := func() int {
		uid, _ := alerts.NewUID()
		status, _ := call(t, h, http.MethodPost, "/api/alertbutton/alerts", w.tokA, `{"uid":"`+uid+`","kind":"detained"}`)
		return status
	}
	if status := press(); status != http.StatusTooManyRequests {
		t.Fatalf("a press after three timers fired within the minute: %d, want 429", status)
	}

	now = now.Add(time.Minute)
	for i := range 3 {
		if status := press(); status != http.StatusCreated {
			t.Fatalf("press %d: %d", i+1, status)
		}
	}
	late := apptest.Checkin(t, w.app, w.a, due, "")
	other := apptest.Checkin(t, w.app, w.b, due, "")
	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due); n != 1 || err != nil {
		t.Fatalf("after three presses: fired %d %v, want only the other person's", n, err)
	}
	if got := apptest.Find(t, w.app, "checkins", late.Id).GetString("status"); got != checkins.StatusArmed {
		t.Fatalf("the held-back timer is %q, want still armed", got)
	}
	if got := apptest.Find(t, w.app, "checkins", other.Id).GetString("status"); got != checkins.StatusFired {
		t.Errorf("another person's timer is %q, want fired", got)
	}
	now = now.Add(time.Minute)
	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due); n != 1 || err != nil {
		t.Fatalf("a minute later: fired %d %v", n, err)
	}
	if got := apptest.Find(t, w.app, "checkins", late.Id).GetString("status"); got != checkins.StatusFired {
		t.Errorf("the held-back timer is %q, want fired", got)
	}
}
