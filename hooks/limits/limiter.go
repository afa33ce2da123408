package limits

import (
	"sync"
	"time"
)

// Limiter allows at most Max events per key in any Window (a sliding window). It keeps only
// the recent events, in memory: a restart forgives everyone, which is the safe side here.
type Limiter struct {
	Max    int
	Window time.Duration

	mu    sync.Mutex
	hits  map[string][]time.Time
	swept time.Time
}

// New returns a limiter of max events per window.
func New(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, hits: map[string][]time.Time{}}
}

// Allow counts an event for key at now when the window has room, and otherwise says how long
// until it has.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	hits := l.recent(key, now)
	if len(hits) >= l.Max {
		return false, hits[0].Add(l.Window).Sub(now)
	}
	l.hits[key] = append(hits, now)
	return true, 0
}

// Undo takes back the event Allow counted for key at at, e.g. when the request it allowed
// created nothing.
func (l *Limiter) Undo(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := l.hits[key]
	for i := len(hits) - 1; i >= 0; i-- {
		if hits[i].Equal(at) {
			l.hits[key] = append(hits[:i:i], hits[i+1:]...)
			return
		}
	}
}

// recent drops the key's events that left the window.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	hits := l.hits[key]
	start := now.Add(-l.Window)
	i := 0
	for i < len(hits) && !hits[i].After(start) {
		i++
	}
	return hits[i:]
}

// sweep forgets the keys with no event left in the window, once per window, so that memory
// stays bounded by the keys active lately.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.Window {
		return
	}
	for key := range l.hits {
		if len(l.recent(key, now)) == 0 {
			delete(l.hits, key)
		}
	}
	l.swept = now
}
