package limits

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
)

// Admission defaults. Alerts are written one batch at a time by SQLite's single writer, so
// past a few batches in flight more requests only queue: each holds memory, and in a surge
// beyond what the disk can commit they would all wait until they time out.
const (
	MaxRaising    = 256             // alert requests served at once
	MaxWaiting    = 256             // requests waiting for a place; one more is told to retry at once
	AdmissionWait = 2 * time.Second // how long one waits for a place before it is told to retry
	busyRetry     = 5 * time.Second
)

var msgBusy = i18n.Text{
	ES: "El consulado está recibiendo muchas alertas en este momento y la tuya todavía no se guardó. La aplicación la reenviará sola; si estás en peligro, llama a la línea de protección 24/7: +1 520 623 7874.",
	EN: "The consulate is receiving many alerts right now and yours is not stored yet. The app will send it again by itself; if you are in danger, call the 24/7 protection line: +1 520 623 7874.",
}

// Gate bounds the alert requests served at once; a few more wait a little, the rest are
// answered 503 with Retry-After at once, so that the phone sends the same alert again (same
// uid) a moment later instead of waiting for an answer that would come too late. The queue
// is bounded by length, not only by time: with a time bound alone, every request in an
// overload would wait nearly the whole time.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int64

	mu         sync.Mutex
	wait       time.Duration
	maxWaiting int64
}

// NewGate returns a gate of n places, with up to queue requests waiting up to wait for one.
func NewGate(n, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, n), wait: wait, maxWaiting: int64(queue)}
}

// SetWait changes how many requests may wait for a place, and how long (0: not at all).
func (g *Gate) SetWait(queue int, d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.maxWaiting, g.wait = int64(queue), d
}

func (g *Gate) queue() (int64, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxWaiting, g.wait
}

// middleware serves a request within the gate's places; PocketBase's request log records
// each 503.
func (g *Gate) middleware(e *core.RequestEvent) error {
	if !g.enter(e.Request.Context().Done()) {
		e.Response.Header().Set("Retry-After", strconv.Itoa(int(busyRetry.Seconds())))
		return e.Error(http.StatusServiceUnavailable, msgBusy.In(i18n.Lang(e)), nil)
	}
	defer g.leave()
	return e.Next()
}

// enter takes a place, waiting for one up to the gate's wait or until gone closes.
func (g *Gate) enter(gone <-chan struct{}) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	maxWaiting, wait := g.queue()
	if wait <= 0 {
		return false
	}
	defer g.waiting.Add(-1)
	if g.waiting.Add(1) > maxWaiting {
		return false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-gone:
	}
	return false
}

func (g *Gate) leave() { <-g.slots }
