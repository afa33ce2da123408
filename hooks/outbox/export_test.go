package outbox

import (
	"time"
)

// ClaimLease is exported for the tests of crash recovery.
const ClaimLease = claimLease

// SetSweep changes the periodic sweep, so that a test sees what only a commit wakes.
func (d *Dispatcher) SetSweep(every time.Duration) { d.sweep = every }

// Claim claims up to n rows due at now, as a worker that then dies would.
func (d *Dispatcher) Claim(now time.Time, n int) (int, error) {
	rows, err := d.claim(now, n)
	return len(rows), err
}

// SetProcess makes the dispatcher claim as another process would.
func (d *Dispatcher) SetProcess(id string) { d.owner = id }
