package federation

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The inbox takes from each peer key at most inboxRate envelopes a second on average, and
// inboxBurst at once. A backlog drains with 16 envelopes in flight (deliver.go) at 650 a
// second on the benchmark host (BENCHMARKS.md, relay backlog), below the limit; on any host
// the limit lets 10,000 envelopes through in 8 s, well within the 30 s target, while one peer
// (or a stolen key) cannot take the one writer from the others and this consulate's alerts.
const (
	inboxRate  = 1000
	inboxBurst = 2000
)

// keyBuckets are token buckets, one per peer key, in memory: a restart forgives everyone.
// Only keys that signed a verified request get one, so there are as many as trusted keys.
type keyBuckets struct {
	rate  float64 // tokens a second
	burst float64

	mu sync.Mutex
	m  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newKeyBuckets(rate float64, burst int) *keyBuckets {
	return &keyBuckets{rate: rate, burst: float64(burst), m: map[string]*bucket{}}
}

// take takes a token from key's bucket at now, or says how long until one is there.
func (k *keyBuckets) take(key string, now time.Time) (bool, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.m[key]
	if !ok {
		b = &bucket{tokens: k.burst, at: now}
		k.m[key] = b
	}
	if now.After(b.at) {
		b.tokens = min(k.burst, b.tokens+now.Sub(b.at).Seconds()*k.rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / k.rate * float64(time.Second))
}

// tooMany answers a peer over its limit: 429 with Retry-After in whole seconds (at least 1).
func tooMany(e *core.RequestEvent, keyID string, wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	e.Response.Header().Set("Retry-After", strconv.Itoa(secs))
	e.App.Logger().Warn("federation: inbox limit reached", "key", keyID, "retryAfter", secs)
	return e.Error(http.StatusTooManyRequests, "federation: too many envelopes from key "+keyID+"; send again in "+strconv.Itoa(secs)+" s", nil)
}

// throttled is a peer's 429: it is up, and asks for nothing more until wait has passed.
type throttled struct {
	wait time.Duration
	msg  string
}

func (t *throttled) Error() string { return t.msg }

// retryAfter reads a 429's Retry-After (seconds or an HTTP date) as a wait from now: at
// least minBackoff, at most maxBackoff (a peer cannot park its queue here for longer).
func retryAfter(header string, now time.Time) time.Duration {
	wait := minBackoff
	if secs, err := strconv.Atoi(header); err == nil {
		wait = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(header); err == nil {
		wait = at.Sub(now)
	}
	return min(max(wait, minBackoff), maxBackoff)
}
