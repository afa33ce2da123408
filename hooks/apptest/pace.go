package apptest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/pace"
)

// noPaceSleep keeps test apps from sleeping out the pace floor (up to seconds under the race
// detector) on every PIN or deletion answer; the floor is still computed and held to, on a
// clock that does not wait. Tests of the floor set their own (FakePace).
func noPaceSleep(p *pace.Pace) {
	p.Set(time.Second, time.Now, func(time.Duration) {})
}

// PaceClock is a fake clock for an appliance's pace: it moves only when the pace sleeps.
type PaceClock struct{ *Clock }

// FakePace makes app (made by New) hold answers for floor on a clock that moves only when it
// sleeps.
func FakePace(app core.App, floor time.Duration) *PaceClock {
	c := &PaceClock{NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	Appliance(app).Pace.Set(floor, c.Now, c.Add)
	return c
}

// AnsweredAt sends one JSON request to h and returns the status and how long after the
// request began, on the clock, the first byte of the answer was written.
func (c *PaceClock) AnsweredAt(h http.Handler, method, url, token, body string) (int, time.Duration) {
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	w := &stampedWriter{ResponseRecorder: httptest.NewRecorder(), clock: c}
	start := c.Now()
	h.ServeHTTP(w, req)
	return w.Code, w.at.Sub(start)
}

// stampedWriter notes the clock's time at the first byte written.
type stampedWriter struct {
	*httptest.ResponseRecorder
	clock *PaceClock
	at    time.Time
}

func (w *stampedWriter) stamp() {
	if w.at.IsZero() {
		w.at = w.clock.Now()
	}
}

func (w *stampedWriter) WriteHeader(status int) {
	w.stamp()
	w.ResponseRecorder.WriteHeader(status)
}

func (w *stampedWriter) Write(b []byte) (int, error) {
	w.stamp()
	return w.ResponseRecorder.Write(b)
}
