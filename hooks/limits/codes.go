package limits

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/i18n"
)

// Defaults for the requests that send a one-time code by SMS (a phone verification code, a
// recovery code): each costs an SMS and wakes a phone, so few per account or phone number,
// and few per address. Every request counts, whether a code was sent or not (the answer
// never tells).
const (
	CodesPerCredential = 3 // per CodesWindow
	CodesWindow        = time.Hour
	CodesPerAddress    = 20 // per CodesWindow
)

var msgTooManyCodes = i18n.Text{
	ES: "Ya pediste varios códigos. Espera {n} segundos antes de pedir otro. Si estás en peligro, llama a la línea de protección 24/7: +1 520 623 7874.",
	EN: "You already asked for several codes. Wait {n} seconds before asking for another. If you are in danger, call the 24/7 protection line: +1 520 623 7874.",
}

// CodeSends limits the requests of a route that sends a code by SMS, per the credential of
// names and per address.
func (g *Guard) CodeSends(of CredentialOf) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "alertbuttonCodeSends",
		Func: func(e *core.RequestEvent) error {
			credential, _ := of(e)
			now, addr := g.now(), addressKey(e)
			ok, wait := g.CodesPerAddress.Allow(addr, now)
			if ok && credential != "" {
				if ok, wait = g.Codes.Allow(credential, now); !ok {
					g.CodesPerAddress.Undo(addr, now)
				}
			}
			if !ok {
				e.App.Logger().Warn("limits: too many one-time codes asked for", "route", e.Request.Pattern)
				return tooMany(e, wait, i18n.Lang(e), msgTooManyCodes)
			}
			return e.Next()
		},
	}
}
