package limits

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/i18n"
)

// Defaults for the requests that run bcrypt (a PIN or password compared or hashed): each one
// costs tens of milliseconds of CPU, and each wrong try is a guess at a 4-digit PIN or a
// password. They are counted per credential (who is signed in, or the identity tried) and
// per address, and answered 429 past either limit. The address limit is far above what the
// people behind one address need in a raid, since they do not sign in again to press; behind
// a proxy it needs PocketBase's trusted-proxy setting, or every client is the proxy.
const (
	AttemptsPerCredential = 10 // per AttemptsWindow
	AttemptsWindow        = time.Hour
	AttemptsPerAddress    = 120 // per minute
)

var msgTooManyAttempts = i18n.Text{
	ES: "Demasiados intentos con PIN o contraseña en poco tiempo. Intenta de nuevo en {n} segundos. Si estás en peligro, llama a la línea de protección 24/7: +1 520 623 7874.",
	EN: "Too many PIN or password attempts in a short time. Try again in {n} seconds. If you are in danger, call the 24/7 protection line: +1 520 623 7874.",
}

// CredentialOf names what a bcrypt route's request tries: "" when it names no credential
// (the address alone limits it); counted false when this request runs no bcrypt.
type CredentialOf func(e *core.RequestEvent) (credential string, counted bool)

// Tries limits the tries of a route that runs bcrypt, of the credential of names.
func (g *Guard) Tries(of CredentialOf) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:   "alertbuttonTries",
		Func: func(e *core.RequestEvent) error { return g.attempt(e, of) },
	}
}

// TriesByPattern limits the tries of PocketBase's own routes that run bcrypt, which the
// appliance does not declare: routes maps their patterns, as Go's ServeMux names them, to the
// credential each tries. It is bound on the whole router.
func (g *Guard) TriesByPattern(routes map[string]CredentialOf) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "alertbuttonTriesByPattern",
		Func: func(e *core.RequestEvent) error {
			if of, ok := routes[e.Request.Pattern]; ok {
				return g.attempt(e, of)
			}
			return e.Next()
		},
	}
}

// attempt counts a request of a bcrypt route.
func (g *Guard) attempt(e *core.RequestEvent, of CredentialOf) error {
	credential, counted := of(e)
	if !counted {
		return e.Next()
	}
	now, addr := g.now(), addressKey(e)
	ok, wait := g.AttemptsPerAddress.Allow(addr, now)
	if ok && credential != "" {
		if ok, wait = g.Attempts.Allow(credential, now); !ok {
			g.AttemptsPerAddress.Undo(addr, now)
		}
	}
	if !ok {
		e.App.Logger().Warn("limits: too many PIN or password attempts", "route", e.Request.Pattern)
		return tooMany(e, wait, i18n.Lang(e), msgTooManyAttempts)
	}
	err := e.Next()
	if err == nil && credential != "" && e.Status()/100 == 2 {
		// A right PIN or password guesses nothing: only refused tries count against the
		// credential, so its holder is not locked out by signing in often. (The duress PIN
		// answers 2xx as the cancel PIN does, so the count tells nothing of which it was.)
		g.Attempts.Undo(credential, now)
	}
	return err
}

// SignedIn is the caller's own account; the anonymous are refused by the route unhashed.
func SignedIn(e *core.RequestEvent) (string, bool) {
	if e.Auth == nil {
		return "", false
	}
	return "auth:" + e.Auth.Collection().Id + ":" + e.Auth.Id, true
}

// Identity is the account a sign-in names in the body field, whether or not it exists.
func Identity(field string) CredentialOf {
	return func(e *core.RequestEvent) (string, bool) {
		c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
		if err != nil || !c.IsAuth() {
			return "", false
		}
		return bodyIdentity(e, c, field), true
	}
}

// RegistrantIdentity is the registrant an account recovery names in the body field.
func RegistrantIdentity(field string) CredentialOf {
	return func(e *core.RequestEvent) (string, bool) {
		c, err := e.App.FindCachedCollectionByNameOrId("registrants")
		if err != nil {
			return "", true
		}
		return bodyIdentity(e, c, field), true
	}
}

// bodyIdentity is the account of c that the body field names, or "" when it names none.
func bodyIdentity(e *core.RequestEvent, c *core.Collection, field string) string {
	info, err := e.RequestInfo()
	if err != nil {
		return ""
	}
	v, _ := info.Body[field].(string)
	if v = strings.ToLower(strings.TrimSpace(v)); v == "" {
		return ""
	}
	// Hashed: the key stays short whatever is sent, and memory holds no phone or e-mail.
	sum := sha256.Sum256([]byte(v))
	return "identity:" + c.Id + ":" + hex.EncodeToString(sum[:16])
}

// AuthRecord counts a write to an account that sets a password (hashed) or gives the old one
// (compared), in whatever encoding, per account changed; a registration per address only.
func AuthRecord(e *core.RequestEvent) (string, bool) {
	c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil || !c.IsAuth() {
		return "", false
	}
	if info, err := e.RequestInfo(); err == nil {
		_, password := info.Body[core.FieldNamePassword]
		_, old := info.Body["oldPassword"]
		if !password && !old {
			return "", false
		}
	}
	if id := e.Request.PathValue("id"); id != "" {
		return "auth:" + c.Id + ":" + id, true
	}
	return "", true
}

// addressKey is the client's address; for IPv6 its /64, which one subscriber usually holds
// whole.
func addressKey(e *core.RequestEvent) string {
	ip, err := netip.ParseAddr(e.RealIP())
	if err != nil {
		return "address:" + e.RealIP()
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return "address:" + p.String()
	}
	return "address:" + ip.String()
}
