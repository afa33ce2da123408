package limits

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/family"
	"alertbutton/hooks/i18n"
)

// The routes that raise alerts, as Go's ServeMux names them.
const (
	patternAlerts          = "POST /api/alertbutton/alerts"
	patternFamilyAlerts    = "POST /api/alertbutton/family/alerts"
	patternOldFamilyAlerts = "POST /api/alertbutton/family/{token}/alerts"
)

// maxPeek is the alert routes' own body limit; a larger body is refused by them anyway.
const maxPeek = 16 << 10

// middleware counts the new alerts each credential raises. A request that raises none (a
// repeated uid, a bad body, a failed save) is not counted, so a phone that retries after an
// error is never locked out by its own retries.
func (g *Guard) middleware(e *core.RequestEvent) error {
	key, lim := g.credential(e)
	if lim == nil {
		return e.Next()
	}
	uid := peekUID(e)
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
		return g.refuse(e, wait)
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

// credential is who raises the alert and the limiter that counts them; nil when the request
// is none of the limited ones (the route itself answers the anonymous).
func (g *Guard) credential(e *core.RequestEvent) (string, *Limiter) {
	switch e.Request.Pattern {
	case patternAlerts:
		if e.Auth != nil && e.Auth.Collection().Name == "registrants" {
			return registrantKey(e.Auth.Id), g.Registrants
		}
	case patternFamilyAlerts, patternOldFamilyAlerts:
		return "family:" + family.HashToken(family.Token(e)), g.FamilyLinks
	}
	return "", nil
}

func registrantKey(id string) string { return "registrant:" + id }

// refuse answers 429, to a relative in the language of their contact record.
func (g *Guard) refuse(e *core.RequestEvent, wait time.Duration) error {
	lang := i18n.Lang(e)
	if e.Request.Pattern != patternAlerts {
		if c, err := family.ContactByToken(e.App, family.Token(e)); err == nil && c.GetString("language") != "" {
			lang = c.GetString("language")
		}
		e.App.Logger().Warn("limits: too many new alerts from a family link")
	} else {
		e.App.Logger().Warn("limits: too many new alerts", "registrant", e.Auth.Id)
	}
	return tooMany(e, wait, lang, msgTooMany)
}

// peekUID reads the uid of the JSON body and leaves the body to be read again by the route.
func peekUID(e *core.RequestEvent) string {
	body := e.Request.Body
	raw, _ := io.ReadAll(io.LimitReader(body, maxPeek+1))
	// PocketBase's body rewinds itself once read to the end; any other, or one read only in
	// part, is put back together.
	if _, ok := body.(router.Rereader); !ok || len(raw) > maxPeek {
		e.Request.Body = readCloser{io.MultiReader(bytes.NewReader(raw), body), body}
	}
	var b struct {
		UID string `json:"uid"`
	}
	if json.Unmarshal(raw, &b) != nil {
		return ""
	}
	return b.UID
}

type readCloser struct {
	io.Reader
	io.Closer
}
