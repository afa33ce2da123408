package registrants

import "time"

// SetClock makes the recovery codes read the time from clock until the test ends.
func SetClock(clock func() time.Time) (restore func()) {
	old := now
	now = clock
	return func() { now = old }
}
