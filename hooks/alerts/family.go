package alerts

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/family"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/i18n"
)

// Report is a relative's report, "my relative was detained":
// POST /api/alertbutton/family/alerts, the token in family.Header (or in the path, from pages
// cached before: /api/alertbutton/family/{token}/alerts).
func Report(cfg *appliance.Config, dir *directory.Table, commits *groupcommit.Committer) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		contact, err := family.ContactByToken(e.App, family.Token(e))
		if err != nil && !errors.Is(err, family.ErrUnknownToken) {
			return e.InternalServerError("", err)
		}
		if err != nil {
			return e.NotFoundError(msgUnknownLink.In(i18n.Lang(e)), nil)
		}
		registrant, err := e.App.FindRecordById("registrants", contact.GetString("registrant"))
		if err != nil {
			return e.NotFoundError(msgUnknownLink.In(i18n.Lang(e)), nil)
		}
		lang := contact.GetString("language")
		if lang == "" {
			lang = i18n.Lang(e)
		}
		b, err := readBody(e, lang, familyFields...)
		if err != nil {
			return err
		}
		in := Draft{
			UID:        b.uid(),
			Kind:       b.kind(vocab.KindDetained),
			Source:     SourceFamily,
			Actor:      "contact:" + contact.Id,
			Registrant: registrant,
			Contact:    contact,
			Place:      b.text("place", maxPlace, msgFieldPlace),
			Note:       b.text("note", maxNote, msgFieldNote),
		}
		if err := b.err(e); err != nil {
			return err
		}
		alert, created, err := raise(e.App, cfg, dir, in, commits.Run)
		if err != nil {
			return saveFailed(e, err)
		}
		if !created && (alert.GetString("registrant") != registrant.Id || alert.GetString("source") != SourceFamily) {
			return uidTaken(e)
		}
		e.App.Logger().Info("alerts: reported by a relative", "alert", alert.Id, "contact", contact.Id, "created", created)
		return e.JSON(statusFor(created), familyView(alert))
	}
}

// familyView is what a relative is shown of the alert they reported: that it is stored and
// which consulate has it; nothing the registrant wrote.
func familyView(alert *core.Record) map[string]any {
	view := map[string]any{
		"uid":     alert.GetString("uid"),
		"kind":    alert.GetString("kind"),
		"created": alert.GetDateTime("created"),
	}
	if c, ok := jurisdiction.ConsulateByCode(alert.GetString("target_consulate")); ok {
		view["consulate"] = map[string]string{"code": c.Code, "name": c.Name, "city": c.City, "state": c.State}
	}
	return view
}
