package limits

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/family"
	"alertbutton/hooks/i18n"
)

// RegistrantAlerts limits the new alerts a registrant raises with the button. It is bound
// after the check that the caller is a registrant.
func (g *Guard) RegistrantAlerts() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "alertbuttonRegistrantAlerts",
		Func: func(e *core.RequestEvent) error {
			return g.limitNew(e, g.Registrants, registrantKey(e.Auth.Id), refuseRegistrant)
		},
	}
}

// FamilyAlerts limits the new alerts a family link reports, whether or not the link is
// known (the route answers an unknown one).
func (g *Guard) FamilyAlerts() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "alertbuttonFamilyAlerts",
		Func: func(e *core.RequestEvent) error {
			return g.limitNew(e, g.FamilyLinks, "family:"+family.HashToken(family.Token(e)), refuseFamily)
		},
	}
}

// limitNew counts the new alerts a credential (key) raises against lim. A request that
// raises none (a repeated uid, a bad body, a failed save) is not counted, so a phone that
// retries after an error is never locked out by its own retries.
func (g *Guard) limitNew(e *core.RequestEvent, lim *Limiter, key string, refuse func(*core.RequestEvent, time.Duration) error) error {
	uid := alerts.PressUID(e)
	if uid != "" {
		first := g.enter(key + "|" + uid)
		defer g.leave(key + "|" + uid)
		if !first {
			return e.Next()
		}
	}
	now := g.now()
	ok, wait := lim.Allow(key, now)
	if !ok {
		// A repeat of a stored alert raises nothing: it is looked up only here, so that the
		// requests under the limit (nearly all) cost no extra query.
		if uid != "" && alreadyStored(e.App, uid) {
			return e.Next()
		}
		return refuse(e, wait)
	}
	err := e.Next()
	if err != nil || e.Status() != http.StatusCreated {
		lim.Undo(key, now)
	}
	return err
}

func alreadyStored(app core.App, uid string) bool {
	_, err := alerts.FindByUID(app, uid)
	return err == nil
}

// enter marks a request for one credential and uid as under way and tells whether it is the
// only one.
func (g *Guard) enter(k string) bool {
	g.inFlightMu.Lock()
	defer g.inFlightMu.Unlock()
	if g.inFlight == nil {
		g.inFlight = map[string]int{}
	}
	g.inFlight[k]++
	return g.inFlight[k] == 1
}

func (g *Guard) leave(k string) {
	g.inFlightMu.Lock()
	defer g.inFlightMu.Unlock()
	if g.inFlight[k]--; g.inFlight[k] <= 0 {
		delete(g.inFlight, k)
	}
}

func registrantKey(id string) string { return "registrant:" + id }

// refuseRegistrant answers 429 in the request's language.
func refuseRegistrant(e *core.RequestEvent, wait time.Duration) error {
	e.App.Logger().Warn("limits: too many new alerts", "registrant", e.Auth.Id)
	return tooMany(e, wait, i18n.Lang(e), msgTooMany)
}

// refuseFamily answers 429 to a relative, in the language of their contact record.
func refuseFamily(e *core.RequestEvent, wait time.Duration) error {
	lang := i18n.Lang(e)
	if c, err := family.ContactByToken(e.App, family.Token(e)); err == nil && c.GetString("language") != "" {
		lang = c.GetString("language")
	}
	e.App.Logger().Warn("limits: too many new alerts from a family link")
	return tooMany(e, wait, lang, msgTooMany)
}
