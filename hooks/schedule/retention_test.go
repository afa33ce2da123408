package schedule_test

import (
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/schedule"
)

const day = 24 * time.Hour

func TestRetention(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	closedAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
	closed := func(status string) string {
		a := raise(t, w, laLat, laLon)
		a.Set("status", status)
		a.Set("closed_at", closedAt)
		if err := w.app.Save(a); err != nil {
			t.Fatal(err)
		}
		return a.Id
	}
	resolved := closed(alerts.StatusResolved)
	cancelled := closed(alerts.StatusCancelled)
	falseAlarm := closed(alerts.StatusFalseAlarm)
	open := raise(t, w, laLat, laLon).Id
	r := schedule.DefaultSettings().Retention

	kept := func(id string) bool {
		a := apptest.Find(t, w.app, "alerts", id)
		return a.GetString("location") != "" && a.GetString("place") != "" && a.GetString("note") != ""
	}
	cleared := func(id string) bool {
		a := apptest.Find(t, w.app, "alerts", id)
		return a.GetString("location") == "" && a.GetString("place") == "" && a.GetString("note") == ""
	}
	apply := func(after time.Duration, want int) {
		t.Helper()
		n, err := schedule.ApplyRetention(w.app, closedAt.Add(after), r)
		if err != nil || n != want {
			t.Fatalf("after %s: %d (%v), want %d", after, n, err, want)
		}
	}

	apply(7*day-time.Second, 0)
	apply(7*day, 1)
	if !cleared(falseAlarm) || !kept(resolved) || !kept(cancelled) || !kept(open) {
		t.Fatal("after 7 days only the false alarm loses its location and note")
	}
	apply(90*day-time.Second, 0)
	apply(90*day, 2)
	if !cleared(resolved) || !cleared(cancelled) || !kept(open) {
		t.Fatal("after 90 days closed alerts lose their location and note; open ones keep them")
	}
	apply(400*day, 0)

	for _, id := range []string{resolved, cancelled, falseAlarm} {
		evs := apptest.Events(t, w.app, id, vocab.EventRetentionApplied)
		if len(evs) != 1 || !strings.Contains(evs[0].GetString("data"), `"location"`) {
			t.Errorf("alert %s: retention events %v", id, evs)
		}
		a := apptest.Find(t, w.app, "alerts", id)
		if a.GetString("status") == alerts.StatusNew || a.GetString("uid") == "" || a.GetString("target_consulate") == "" {
			t.Errorf("alert %s lost more than its location and note", id)
		}
	}
	if len(apptest.Events(t, w.app, open, vocab.EventRetentionApplied)) != 0 {
		t.Error("an open alert has a retention event")
	}
}

func TestRetentionFromEnvironment(t *testing.T) {
	t.Setenv(schedule.EnvClosedDays, "30")
	t.Setenv(schedule.EnvFalseAlarmDays, "")
	s, err := schedule.SettingsFromEnv()
	if err != nil || s.Retention.Closed != 30*day || s.Retention.FalseAlarm != 7*day {
		t.Errorf("%+v %v", s.Retention, err)
	}
	t.Setenv(schedule.EnvFalseAlarmDays, "0")
	s, err = schedule.SettingsFromEnv()
	if err == nil || !strings.Contains(err.Error(), schedule.EnvFalseAlarmDays) || s.Retention.FalseAlarm != 7*day || s.Retention.Closed != 30*day {
		t.Errorf("a bad value: %+v %v", s.Retention, err)
	}
}

func TestPruneSubscriptions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := time.Now().Add(31 * day)
	set := func(failures int, lastSuccess time.Time) string {
		s := apptest.Subscription(t, w.app, "registrant", w.a.Id, "")
		s.Set("failures", failures)
		s.Set("last_success", lastSuccess)
		if err := w.app.Save(s); err != nil {
			t.Fatal(err)
		}
		return s.Id
	}
	dead := set(10, now.Add(-31*day))
	neverWorked := set(25, time.Time{}) // made 31 days before now
	recent := set(50, now.Add(-29*day))
	fewFailures := set(9, now.Add(-60*day))

	n, err := schedule.PruneSubscriptions(w.app, now, 10, 30*day)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want 2", n, err)
	}
	for _, id := range []string{dead, neverWorked} {
		if _, err := w.app.FindRecordById("push_subscriptions", id); err == nil {
			t.Errorf("dead subscription %s kept", id)
		}
	}
	for _, id := range []string{recent, fewFailures, w.subA.Id, w.subConsul.Id} {
		if _, err := w.app.FindRecordById("push_subscriptions", id); err != nil {
			t.Errorf("live subscription %s pruned", id)
		}
	}
}
