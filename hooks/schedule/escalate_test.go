package schedule_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/schedule"
)

func TestEscalation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := raise(t, w, laLat, laLon)
	elsewhere := raise(t, w, fresnoLat, fresnoLon)
	acked := raise(t, w, laLat, laLon)
	acked.Set("status", alerts.StatusAcknowledged)
	if err := w.app.Save(acked); err != nil {
		t.Fatal(err)
	}
	if a.GetString("target_consulate") != "los-angeles" || elsewhere.GetString("target_consulate") != "fresno" {
		t.Fatalf("targets %s, %s", a.GetString("target_consulate"), elsewhere.GetString("target_consulate"))
	}
	base := a.GetDateTime("created").Time()
	escalate := func(after time.Duration, want int) {
		t.Helper()
		n, err := schedule.Escalate(w.app, w.cfg, base.Add(after))
		if err != nil || n != want {
			t.Fatalf("at %s: escalated %d (%v), want %d", after, n, err, want)
		}
	}

	escalate(2*time.Minute-time.Millisecond, 0)
	if got := pushes(t, w.app, a); len(got) != 0 {
		t.Fatalf("escalated early: %v", got)
	}

	// At 2 minutes: every staff device, on duty or not; never the registrant's.
	escalate(2*time.Minute, 1)
	a = apptest.Find(t, w.app, "alerts", a.Id)
	got := pushes(t, w.app, a)
	for _, sub := range []string{w.subAdviser.Id, w.subAdviserOff.Id, w.subConsul.Id, w.subIT.Id} {
		if len(got[sub]) != 1 {
			t.Errorf("subscription %s got %d escalation pushes at 2 minutes, want 1", sub, len(got[sub]))
		}
	}
	if len(got[w.subA.Id]) != 0 || len(got) != 4 {
		t.Errorf("escalation pushes to %v", got)
	}
	if p := got[w.subAdviser.Id]; len(p) == 1 && (p[0].Title != "Alerta sin atender" || p[0].Alert != a.GetString("uid") || !strings.Contains(p[0].URL, a.Id)) {
		t.Errorf("adviser's push %+v", p[0])
	}
	if p := got[w.subConsul.Id]; len(p) == 1 && (p[0].Title != "Unattended alert" || p[0].Lang != "en") {
		t.Errorf("consul's push %+v", p[0])
	}
	if a.GetInt("escalation_level") != 1 || a.GetString("status") != alerts.StatusNew {
		t.Errorf("level %d status %s", a.GetInt("escalation_level"), a.GetString("status"))
	}
	evs := apptest.Events(t, w.app, a.Id, vocab.EventEscalated)
	if len(evs) != 1 || !evs[0].GetBool("staff_only") || !strings.Contains(evs[0].GetString("data"), `"level":1`) {
		t.Fatalf("events after 2 minutes: %v", evs)
	}

	escalate(9*time.Minute, 0)

	// At 10 minutes: the consuls, once more.
	escalate(10*time.Minute, 1)
	a = apptest.Find(t, w.app, "alerts", a.Id)
	got = pushes(t, w.app, a)
	if len(got[w.subConsul.Id]) != 2 || got[w.subConsul.Id][1].Title != "URGENT: unattended alert" {
		t.Errorf("consul's pushes %+v", got[w.subConsul.Id])
	}
	for _, sub := range []string{w.subAdviser.Id, w.subAdviserOff.Id, w.subIT.Id} {
		if len(got[sub]) != 1 {
			t.Errorf("subscription %s got %d escalation pushes, want 1", sub, len(got[sub]))
		}
	}
	evs = apptest.Events(t, w.app, a.Id, vocab.EventEscalated)
	if a.GetInt("escalation_level") != 2 || len(evs) != 2 || !strings.Contains(evs[1].GetString("data"), `"level":2`) {
		t.Errorf("level %d, events %d", a.GetInt("escalation_level"), len(evs))
	}

	// Never again.
	escalate(time.Hour, 0)
	if n := len(apptest.Events(t, w.app, a.Id, vocab.EventEscalated)); n != 2 {
		t.Errorf("%d escalation events after an hour, want 2", n)
	}
	for _, r := range []string{acked.Id, elsewhere.Id} {
		if got := apptest.Find(t, w.app, "alerts", r); got.GetInt("escalation_level") != 0 || len(apptest.Events(t, w.app, r, vocab.EventEscalated)) != 0 {
			t.Errorf("alert %s (%s, %s) escalated", r, got.GetString("status"), got.GetString("target_consulate"))
		}
	}
}

// After a long stop both steps are due at once: both are taken, once, even when two
// schedulers run together.
func TestEscalationCatchesUpOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := raise(t, w, laLat, laLon)
	now := a.GetDateTime("created").Time().Add(15 * time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := schedule.Escalate(w.app, w.cfg, now)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	a = apptest.Find(t, w.app, "alerts", a.Id)
	evs := apptest.Events(t, w.app, a.Id, vocab.EventEscalated)
	if total != 1 || a.GetInt("escalation_level") != 2 || len(evs) != 2 {
		t.Errorf("escalated %d times, level %d, %d events", total, a.GetInt("escalation_level"), len(evs))
	}
	if got := pushes(t, w.app, a); len(got[w.subConsul.Id]) != 2 || len(got[w.subAdviserOff.Id]) != 1 {
		t.Errorf("pushes %v", got)
	}
}
