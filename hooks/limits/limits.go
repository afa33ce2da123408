// Package limits limits how fast one credential (a registrant, a family link) may raise new
// alerts. Never per IP address: a raid puts hundreds of people behind one address. A repeat
// of an alert that exists (same uid) is never limited: the phone is only asking again.
// PIN and password attempts (every route that runs bcrypt) are limited per credential and
// per address.
package limits

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/i18n"
)

// Defaults: new alerts per credential per minute.
const (
	NewAlertsPerRegistrant = 3
	NewAlertsPerFamilyLink = 3
)

var msgTooMany = i18n.Text{
	ES: "Demasiadas alertas nuevas en poco tiempo. Intenta de nuevo en {n} segundos. Si estás en peligro, llama a la línea de protección 24/7: +1 520 623 7874.",
	EN: "Too many new alerts in a short time. Try again in {n} seconds. If you are in danger, call the 24/7 protection line: +1 520 623 7874.",
}

// Guard holds one app's limits and the clock they read.
type Guard struct {
	Registrants *Limiter // new alerts per registrant
	FamilyLinks *Limiter // new alerts per family link
	Raising     *Gate    // alert requests served at once

	Attempts           *Limiter // PIN and password attempts per credential
	AttemptsPerAddress *Limiter // PIN and password attempts per address

	Codes           *Limiter // one-time codes sent by SMS per account or phone number
	CodesPerAddress *Limiter // one-time codes sent by SMS per address

	mu    sync.Mutex
	clock func() time.Time

	// inFlight counts the requests under way per credential and uid: the phone's retries of
	// one new alert, sent before the first one committed, are one alert, not several.
	inFlightMu sync.Mutex
	inFlight   map[string]int
}

// NewGuard returns the default limits on the real clock.
func NewGuard() *Guard {
	return &Guard{
		Registrants: New(NewAlertsPerRegistrant, time.Minute),
		FamilyLinks: New(NewAlertsPerFamilyLink, time.Minute),
		Raising:     NewGate(MaxRaising, MaxWaiting, AdmissionWait),

		Attempts:           New(AttemptsPerCredential, AttemptsWindow),
		AttemptsPerAddress: New(AttemptsPerAddress, time.Minute),
		Codes:              New(CodesPerCredential, CodesWindow),
		CodesPerAddress:    New(CodesPerAddress, CodesWindow),
		clock:              time.Now,
	}
}

// SetClock makes the guard read now from clock (tests move it instead of sleeping).
func (g *Guard) SetClock(clock func() time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.clock = clock
}

func (g *Guard) now() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.clock()
}

// Admission serves the alert routes within the gate's places (Gate). It runs before
// PocketBase loads the auth token, so a request turned away costs next to nothing.
func (g *Guard) Admission() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "alertbuttonAdmission",
		Func:     g.Raising.middleware,
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
	}
}

func tooMany(e *core.RequestEvent, retryAfter time.Duration, lang string, text i18n.Text) error {
	secs := int(math.Ceil(retryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	e.Response.Header().Set("Retry-After", strconv.Itoa(secs))
	msg := strings.ReplaceAll(text.In(lang), "{n}", strconv.Itoa(secs))
	return e.Error(http.StatusTooManyRequests, msg, nil)
}

// AllowServerAlert counts a new alert the server raises by itself for a registrant (a
// check-in timer that ran out) against the same limit as their button. When the limit is
// reached it is not allowed now; undo takes back a counted alert that was not raised.
func (g *Guard) AllowServerAlert(registrantID string) (ok bool, undo func()) {
	key, now := registrantKey(registrantID), g.now()
	if ok, _ := g.Registrants.Allow(key, now); !ok {
		return false, func() {}
	}
	return true, func() { g.Registrants.Undo(key, now) }
}
