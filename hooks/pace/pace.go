// Package pace holds the answers of the routes whose work depends on what the phone must not
// learn (which PIN it gave, whether a case is open) until a fixed floor after they began, so
// that their timing tells nothing either: the cancel and safe routes, the PIN change and the
// account deletion.
//
// The floor is ten bcrypt comparisons at the default cost, measured once on this machine:
// twice the slowest of those paths (the PIN change: four bcrypts and a commit). An answer
// whose work takes longer than the floor (a machine under heavy load) still leaks its time.
package pace

import (
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"
)

// Bcrypts is the floor in bcrypt comparisons.
const Bcrypts = 10

// Pace is one appliance's floor and the clock it waits on.
type Pace struct {
	mu    sync.Mutex
	floor time.Duration // 0: Measured()
	now   func() time.Time
	sleep func(time.Duration)
}

// New returns a pace holding answers for the measured floor on the real clock.
func New() *Pace {
	return &Pace{now: time.Now, sleep: time.Sleep}
}

// Set makes p hold answers for floor (0: Measured) on the clock now and sleep; tests set a
// clock that moves only when it sleeps.
func (p *Pace) Set(floor time.Duration, now func() time.Time, sleep func(time.Duration)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.floor, p.now, p.sleep = floor, now, sleep
}

func (p *Pace) get() (time.Duration, func() time.Time, func(time.Duration)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.floor, p.now, p.sleep
}

// Hold holds e's answer until the floor has passed since now: whatever the route writes waits
// until then, and so does the returned wait, which the route defers so that an error it
// returns (written after it) waits too:
//
//	defer p.Hold(e)()
//
// Inside a transaction (a batch request) it holds nothing: the writer would wait with it.
func (p *Pace) Hold(e *core.RequestEvent) (wait func()) {
	if e.App.IsTransactional() {
		return func() {}
	}
	floor, now, sleep := p.get()
	start := now()
	if floor == 0 {
		floor = Measured()
	}
	deadline := start.Add(floor)
	wait = sync.OnceFunc(func() {
		if d := deadline.Sub(now()); d > 0 {
			sleep(d)
		}
	})
	e.Response = &heldWriter{ResponseWriter: e.Response, wait: wait}
	return wait
}

// heldWriter waits before the first byte of the answer.
type heldWriter struct {
	http.ResponseWriter
	wait func()
}

func (w *heldWriter) WriteHeader(status int) {
	w.wait()
	w.ResponseWriter.WriteHeader(status)
}

func (w *heldWriter) Write(b []byte) (int, error) {
	w.wait()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets PocketBase and http.ResponseController reach the writer underneath.
func (w *heldWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Measured is the floor on this machine: Bcrypts times the median of three bcrypt
// comparisons at the default cost, measured on first use.
var Measured = sync.OnceValue(func() time.Duration {
	hash, _ := bcrypt.GenerateFromPassword([]byte("pace"), bcrypt.DefaultCost)
	var took [3]time.Duration
	for i := range took {
		start := time.Now()
		bcrypt.CompareHashAndPassword(hash, []byte("not-it"))
		took[i] = time.Since(start)
	}
	lo, hi := min(took[0], took[1], took[2]), max(took[0], took[1], took[2])
	return Bcrypts * (took[0] + took[1] + took[2] - lo - hi)
})
