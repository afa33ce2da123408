// Package replication is where the continuous replication (serve --replicate) tells the
// metrics and the ready check how it stands. Nothing here replicates: the replication
// sets Report when it starts and clears it when it stops.
package replication

import (
	"sync"
	"time"
)

// Status is how the replication stands. The zero Status is replication off.
type Status struct {
	On bool
	// Lag is how far the replica is behind the last commit; 0 when it holds every commit.
	Lag time.Duration
	// Stalled is the replication failing to ship for longer than it may (the replication
	// decides how long): the appliance then takes alerts it could lose with the machine.
	Stalled bool
}

var (
	mu     sync.RWMutex
	report func() Status
)

// Report makes fn the source of Current; nil when replication stops (or is off).
func Report(fn func() Status) {
	mu.Lock()
	defer mu.Unlock()
	report = fn
}

// Current is how the replication stands now; the zero Status when nothing reports.
func Current() Status {
	mu.RLock()
	fn := report
	mu.RUnlock()
	if fn == nil {
		return Status{}
	}
	return fn()
}
