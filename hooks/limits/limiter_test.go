package limits_test

import (
	"testing"
	"time"

	"alertbutton/hooks/limits"
)

func TestLimiterSlidingWindow(t *testing.T) {
	l := limits.New(3, time.Minute)
	t0 := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a", t0.Add(time.Duration(i)*10*time.Second)); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	ok, wait := l.Allow("a", t0.Add(30*time.Second))
	if ok || wait != 30*time.Second {
		t.Fatalf("4th: ok=%v wait=%s, want refused for 30s", ok, wait)
	}
	if ok, _ := l.Allow("b", t0.Add(30*time.Second)); !ok {
		t.Error("another key is limited")
	}
	if ok, _ := l.Allow("a", t0.Add(time.Minute)); !ok {
		t.Error("the first event did not leave the window after a minute")
	}
	if ok, _ := l.Allow("a", t0.Add(time.Minute+time.Second)); ok {
		t.Error("a 4th event within the window allowed")
	}
	l.Undo("a", t0.Add(time.Minute))
	if ok, _ := l.Allow("a", t0.Add(time.Minute+time.Second)); !ok {
		t.Error("an undone event still counts")
	}
}
