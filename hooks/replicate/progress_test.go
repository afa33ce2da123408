package replicate

import (
	"testing"
	"time"
)

// A replica that keeps moving is never stalled, however busy data.db is; one that stops
// while data.db goes on is stalled after stalledAfter; catching up clears it.
func TestProgressSaysStalledOnlyWhenTheReplicaStopsMoving(t *testing.T) {
	var p progress
	t0 := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC)
	if s := p.observe(Status{LocalTXID: 10, RemoteTXID: 10}, t0); !s.On || s.Lag != 0 || s.Stalled {
		t.Fatalf("caught up: %+v", s)
	}
	for i := 1; i <= 10; i++ { // behind, but moving every 10 s for 100 s
		now := t0.Add(time.Duration(i) * 10 * time.Second)
		if s := p.observe(Status{LocalTXID: uint64(20 + i), RemoteTXID: uint64(10 + i)}, now); s.Stalled {
			t.Fatalf("moving replica said stalled at %v: %+v", now, s)
		}
	}
	stuck := t0.Add(100 * time.Second)
	if s := p.observe(Status{LocalTXID: 40, RemoteTXID: 20}, stuck.Add(20*time.Second)); s.Stalled || s.Lag != 20*time.Second {
		t.Fatalf("stopped for 20 s: %+v", s)
	}
	if s := p.observe(Status{LocalTXID: 41, RemoteTXID: 20}, stuck.Add(31*time.Second)); !s.Stalled || s.Lag != 31*time.Second {
		t.Fatalf("stopped for 31 s: %+v", s)
	}
	if s := p.observe(Status{LocalTXID: 41, RemoteTXID: 41}, stuck.Add(40*time.Second)); s.Stalled || s.Lag != 0 {
		t.Fatalf("caught up again: %+v", s)
	}
}
