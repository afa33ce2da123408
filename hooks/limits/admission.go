package limits

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
)

// Admission defaults. Alerts are written one batch at a time by SQLite's single writer, so
// past a few batches in flight more requests only queue: each holds memory, and in a surge
// beyond what the disk can commit they would all wait until they time out.
const (
	MaxRaising    = 256             // alert requests served at once
	AdmissionWait = 2 * time.Second // how long one more waits for a place before it is told to retry
	busyRetry     = 5 * time.Second
)

var msgBusy = i18n.Text{
	ES: "El consulado está recibiendo muchas alertas en este momento y la suya todavía no se guardó. La aplicación la reenviará sola; si está en peligro, llame a la línea de protección 24/7: +1 520 623 7874.",
	EN: "The consulate is receiving many alerts right now and yours is not stored yet. The app will send it again by itself; if you are in danger, call the 24/7 protection line: +1 520 623 7874.",
}

// Gate bounds the alert requests served at once; the others wait a little, then are answered
// 503 with Retry-After, so that the phone sends the same alert again (same uid) a moment
// later instead of waiting for an answer that would come too late.
type Gate struct {
	slots chan struct{}

	mu   sync.Mutex
	wait time.Duration
}

// NewGate returns a gate of n places, each request waiting up to wait for one.
func NewGate(n int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, n), wait: wait}
}

// SetWait changes how long a request waits for a place (0: not at all).
func (g *Gate) SetWait(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.wait = d
}

func (g *Gate) waitFor() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.wait
}

// middleware serves the alert routes within the gate's places. It runs before PocketBase
// loads the auth token, so a request turned away costs next to nothing; PocketBase's request
// log records each 503.
func (g *Gate) middleware(e *core.RequestEvent) error {
	if e.Request.Pattern != patternAlerts && e.Request.Pattern != patternFamilyAlerts {
		return e.Next()
	}
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
	wait := g.waitFor()
	if wait <= 0 {
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
