package outbox_test

import (
	"strings"
	"testing"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/family/stamp"
	"alertbutton/hooks/outbox"
)

// The link of an SMS about an alert carries a family page stamp as of the alert's raise
// (#token~stamp), sealed for that relative and link: a relative who first opens their link
// from it is shown the alert it told of.
func TestSMSLinkCarriesAStampOfTheRaise(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	reg := apptest.Registrant(t, app, "+13105550192", apptest.Fields{"name": "Ana López"})
	token, hash := family.NewToken()
	contact := apptest.Contact(t, app, reg, apptest.Fields{"phone": "+13235550125", "family_token_hash": hash, "family_token_sealed": token})
	alert := apptest.Raise(t, app, cfg, reg, 34.05, -118.24, "")
	// the raise queued the relative's SMS
	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})); sent != 1 {
		t.Fatalf("handed %d SMS, want 1", sent)
	}
	body := p.Messages()[0].Body
	prefix := "https://alerta.consulado.example/family/#" + token + "~"
	i := strings.Index(body, prefix)
	if i < 0 {
		t.Fatalf("the SMS's link has no stamp: %s", body)
	}
	st := strings.Fields(body[i+len(prefix):])[0]
	at, ok := stamp.Open(cfg.Sealer(), contact.Id, hash, st)
	if !ok || at.Time().UnixMilli() != alert.GetDateTime("created").Time().UnixMilli() {
		t.Fatalf("the stamp %q opens to %v %v, want the raise %v", st, at, ok, alert.GetDateTime("created"))
	}
	if _, ok := stamp.Open(cfg.Sealer(), reg.Id, hash, st); ok {
		t.Error("the stamp opens for another record")
	}
	if _, ok := stamp.Open(cfg.Sealer(), contact.Id, strings.Repeat("0", 64), st); ok {
		t.Error("the stamp outlives a new link")
	}
}
