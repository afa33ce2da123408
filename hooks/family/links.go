package family

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/records"
)

var msgNoLinkToShow = i18n.Text{
	ES: "Este familiar todavía no tiene un enlace que se pueda mostrar. Crea uno nuevo.",
	EN: "This relative has no link that can be shown yet. Make a new one.",
}

// The states of a relative's link, as the phone's relatives screen shows them.
const (
	LinkNone       = "none"       // no link issued (or revoked)
	LinkNotOpened  = "not_opened" // a link issued, no push subscription from it
	LinkSMS        = "sms"        // an SMS with the link was delivered, no push subscription
	LinkSubscribed = "subscribed" // a push subscription that works
)

// ShowLink is GET /api/alertbutton/contacts/{id}/family-link, for the registrant: the link
// their contact already has, from its sealed copy, revoking nothing. It reads no alert:
// whoever holds a seized phone gets back only a link that phone was already shown, and the
// same answer whatever any case is.
func ShowLink(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		contact, err := ownContact(e)
		if err != nil {
			return err
		}
		hash := contact.GetString("family_token_hash")
		token, err := privacy.Open(cfg.Sealer(), contact, "family_token_sealed")
		if err != nil || hash == "" || token == "" || HashToken(token) != hash {
			return e.NotFoundError(msgNoLinkToShow.In(i18n.Lang(e)), err)
		}
		return e.JSON(http.StatusOK, map[string]string{"url": Link(cfg, token), "token": token})
	}
}

// RevokeLink is DELETE /api/alertbutton/contacts/{id}/family-link, for the registrant: the
// contact's link stops working ("Este enlace no sirve") until a new one is issued, and the
// devices that subscribed through it are told nothing more.
func RevokeLink(e *core.RequestEvent) error {
	contact, err := ownContact(e)
	if err != nil {
		return err
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		subs, err := tx.FindAllRecords("push_subscriptions", dbx.HashExp{"contact": contact.Id})
		if err != nil {
			return err
		}
		for _, s := range subs {
			if err := tx.Delete(s); err != nil {
				return err
			}
		}
		contact.Set("family_token_hash", "")
		contact.Set("family_token_sealed", "")
		contact.Set("family_link_issued", "")
		return records.Save(tx, contact)
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.NoContent(http.StatusNoContent)
}

// ownContact is the caller's contact named in the path; another's is as unknown as a
// missing one.
func ownContact(e *core.RequestEvent) (*core.Record, error) {
	contact, err := e.App.FindRecordById("contacts", e.Request.PathValue("id"))
	if err != nil || contact.GetString("registrant") != e.Auth.Id {
		return nil, e.NotFoundError(msgNoOwner.In(i18n.Lang(e)), err)
	}
	return contact, nil
}

// linkState is one relative's line on the phone.
type linkState struct {
	Contact string `json:"contact"`
	State   string `json:"state"`
}

// LinkStates is GET /api/alertbutton/family-links, for the registrant: for each of their
// relatives whether notices reach them (a working push subscription), an SMS with the link
// reached them, or the link was issued and not yet opened.
func LinkStates(e *core.RequestEvent) error {
	contacts, err := e.App.FindAllRecords("contacts", dbx.HashExp{"registrant": e.Auth.Id})
	if err != nil {
		return e.InternalServerError("", err)
	}
	items := make([]linkState, 0, len(contacts))
	for _, c := range contacts {
		state, err := stateOf(e.App, c)
		if err != nil {
			return e.InternalServerError("", err)
		}
		items = append(items, linkState{Contact: c.Id, State: state})
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// stateOf is the state of contact c's link. An SMS counts only when it carried a new
// alert's first notice: those are sent at the press, before any PIN, so the words are the
// same after a cancel as after the duress PIN (which tells relatives nothing new).
func stateOf(app core.App, c *core.Record) (string, error) {
	if c.GetString("family_token_hash") == "" {
		return LinkNone, nil
	}
	working, err := app.CountRecords("push_subscriptions", notify.WorkingOf(dbx.HashExp{"contact": c.Id}))
	if err != nil {
		return "", err
	}
	if working > 0 {
		return LinkSubscribed, nil
	}
	texted, err := app.CountRecords("outbox",
		dbx.HashExp{"channel": vocab.ChannelSMS, "recipient_kind": vocab.RecipientContact, "recipient": c.Id, "delivery": vocab.DeliveryDelivered},
		dbx.NewExp("json_extract(payload, '$.type') = {:type}", dbx.Params{"type": vocab.MessageCreated}))
	if err != nil {
		return "", err
	}
	if texted > 0 {
		return LinkSMS, nil
	}
	return LinkNotOpened, nil
}
