package family

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
	"alertbutton/hooks/subscriptions"

	"github.com/pocketbase/pocketbase/tools/types"
)

var (
	msgNoOwner = i18n.Text{ES: "Ese familiar no está en tu cuenta.", EN: "That relative is not in your account."}
	msgNoLink  = i18n.Text{ES: "Este enlace familiar no es válido o fue reemplazado. Pide a tu familiar un enlace nuevo.", EN: "This family link is not valid or was replaced. Ask your relative for a new link."}
)

// IssueLink is POST /api/alertbutton/contacts/{id}/family-link, for a registrant: a new token
// for their contact, replacing the previous one (ShowLink shows the current one again).
func IssueLink(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		lang := i18n.Lang(e)
		if _, err := jsonbody.Read(e, lang, jsonbody.Small); err != nil {
			return err
		}
		contact, err := ownContact(e)
		if err != nil {
			return err
		}
		token, hash := NewToken()
		contact.Set("family_token_hash", hash)
		contact.Set("family_token_sealed", token) // sealed on save; read only to send it by SMS
		contact.Set("family_link_issued", types.NowDateTime())
		if err := records.Save(e.App, contact); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, map[string]string{"url": Link(cfg, token), "token": token})
	}
}

// Link is the address a relative opens: always on the public URL serve was started with,
// never on the request's Host header, which whoever asks for the link could forge. The
// token is in the fragment, which browsers never send.
func Link(cfg *appliance.Config, token string) string {
	return cfg.PublicURL + "/family/#" + token
}

type consulateJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	City  string `json:"city"`
	State string `json:"state"`
	Phone string `json:"phone"`
}

// Page is GET Path (the token in Header, or in the path): it shows a relative the
// registrant's first name, their consulate and, as far as their disclosure setting allows,
// the alerts raised since this browser first opened the link (alerts.go). The browser's
// stamp comes in DeviceHeader, an SMS's in GrantHeader; the answer gives back the earliest
// that holds, or a new one when none does.
func Page(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		contact, registrant, err := resolve(e)
		if err != nil {
			return err
		}
		stamp, enrolled := earliestStamp(cfg.Sealer(), contact, e.Request.Header.Get(DeviceHeader), e.Request.Header.Get(GrantHeader))
		if stamp == "" {
			if stamp, err = deviceStamp(cfg.Sealer(), contact, time.Now()); err != nil {
				return e.InternalServerError("", err)
			}
		}
		list, err := alertsFor(e.App, registrant, contact, enrolled)
		if err != nil {
			return e.InternalServerError("", err)
		}
		e.Response.Header().Set("Cache-Control", "no-store")
		return e.JSON(http.StatusOK, map[string]any{
			"registrant": map[string]string{"firstName": FirstName(registrant.GetString("name"))},
			"consulate":  homeConsulate(e.App, registrant, cfg),
			"shares":     registrant.GetString("disclosure") != "none",
			"alerts":     list,
			"device":     stamp,
		})
	}
}

func homeConsulate(app core.App, registrant *core.Record, cfg *appliance.Config) consulateJSON {
	code := registrant.GetString("home_consulate")
	c, ok := jurisdiction.ConsulateByCode(code)
	if !ok {
		c = cfg.Consulate
	}
	out := consulateJSON{Code: c.Code, Name: c.Name, City: c.City, State: c.State}
	if row, err := app.FindFirstRecordByData("consulates", "code", c.Code); err == nil {
		out.Phone = row.GetString("phone")
	}
	return out
}

// resolve finds the contact and registrant of the request's token, or answers 404.
func resolve(e *core.RequestEvent) (*core.Record, *core.Record, error) {
	lang := i18n.Lang(e)
	contact, err := ContactByToken(e.App, Token(e))
	if err != nil && !errors.Is(err, ErrUnknownToken) {
		return nil, nil, e.InternalServerError("", err)
	}
	if err != nil {
		return nil, nil, e.NotFoundError(msgNoLink.In(lang), err)
	}
	registrant, err := e.App.FindRecordById("registrants", contact.GetString("registrant"))
	if err != nil {
		return nil, nil, e.NotFoundError(msgNoLink.In(lang), err)
	}
	return contact, registrant, nil
}

// FirstName is the only part of a registrant's name a relative's page shows.
func FirstName(name string) string {
	fields := strings.Fields(name)
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}

func contactLang(e *core.RequestEvent, contact *core.Record) string {
	if l := contact.GetString("language"); l == "es" || l == "en" {
		return l
	}
	return i18n.Lang(e)
}

// Subscribe is POST Path/subscriptions: a relative's browser subscribes to pushes.
func Subscribe(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		contact, registrant, err := resolve(e)
		if err != nil {
			return err
		}
		lang := contactLang(e, contact)
		owner := subscriptions.Owner{Contact: contact.Id, Lang: lang}
		return subscriptions.Create(e, cfg, owner, notify.SubscribedRelative(lang, FirstName(registrant.GetString("name"))))
	}
}

// Unsubscribe is DELETE Path/subscriptions.
func Unsubscribe(e *core.RequestEvent) error {
	contact, _, err := resolve(e)
	if err != nil {
		return err
	}
	return subscriptions.Remove(e, subscriptions.Owner{Contact: contact.Id, Lang: contactLang(e, contact)})
}
