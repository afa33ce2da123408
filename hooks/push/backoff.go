package push

import (
	"math/rand/v2"
	"time"
)

const (
	backoffBase = 5 * time.Second
	backoffCap  = 10 * time.Minute
)

// Backoff is the wait before retry number attempt (0 for the first retry):
// a uniform random duration in [0, min(10m, 5s·2^attempt)), "full jitter",
// so that many failed sends do not come back at the same moment. A nil rnd
// uses the global source.
func Backoff(attempt int, rnd *rand.Rand) time.Duration {
	ceiling := backoffCap
	if attempt < 10 { // 5s·2^7 already passes the cap; avoid overflow
		ceiling = min(backoffCap, backoffBase<<max(attempt, 0))
	}
	if rnd == nil {
		return rand.N(ceiling)
	}
	return time.Duration(rnd.Int64N(int64(ceiling)))
}
