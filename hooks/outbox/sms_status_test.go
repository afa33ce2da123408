package outbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/sms/smstest"
)

// servedSMS serves an appliance whose SMS provider is the fake one, queues an SMS to a
// relative, and returns its row once the running dispatcher handed it to the provider.
func servedSMS(t *testing.T, phone string) (core.App, *smstest.Server, string, *core.Record) {
	t.Helper()
	app, cfg, p, _ := smsApp(t)
	srv := apptest.Serve(t, app)
	cfg.PublicURL = srv.URL
	contact := relative(t, app, phone, "es")
	queueSMS(t, app, toContact(contact), payload(1))
	row := onlyRow(t, app, contact.Id)
	row = waitRow(t, app, row.Id, func(r *core.Record) bool { return r.GetString("provider_id") != "" })
	return app, p, srv.URL + outbox.SMSStatusPath, row
}

func TestSMSDeliveredCallback(t *testing.T) {
	t.Parallel()
	app, p, _, row := servedSMS(t, "+13235550121")
	if status := p.Report(row.GetString("provider_id"), "sent", ""); status != http.StatusOK {
		t.Fatalf("sent: %d", status)
	}
	if r := reload(t, app, row); r.GetString("delivery") != vocab.DeliverySent {
		t.Fatalf("after sent: %v", r.PublicExport())
	}
	if status := p.Report(row.GetString("provider_id"), "delivered", ""); status != http.StatusOK {
		t.Fatalf("delivered: %d", status)
	}
	r := reload(t, app, row)
	if r.GetString("delivery") != vocab.DeliveryDelivered || r.GetDateTime("delivered_at").IsZero() || r.GetString("state") != "sent" {
		t.Fatalf("after delivered: %v", r.PublicExport())
	}
	// Delivered is final: a late failure does not undo it.
	p.Report(row.GetString("provider_id"), "failed", "30008")
	if r := reload(t, app, row); r.GetString("delivery") != vocab.DeliveryDelivered {
		t.Fatalf("after a late failure: %v", r.PublicExport())
	}
}

func TestSMSUndeliveredCallbackSaysWhy(t *testing.T) {
	t.Parallel()
	app, p, _, row := servedSMS(t, "+13235550122")
	if status := p.Report(row.GetString("provider_id"), "undelivered", "30003"); status != http.StatusOK {
		t.Fatalf("undelivered: %d", status)
	}
	r := reload(t, app, row)
	if r.GetString("delivery") != vocab.DeliveryFailed || r.GetString("state") != "dead" ||
		!strings.Contains(r.GetString("last_error"), "30003") || !strings.Contains(r.GetString("last_error"), "out of reach") {
		t.Fatalf("after undelivered: %v", r.PublicExport())
	}
}

// Nobody but the provider marks an SMS delivered: not without its signature, not with a
// signature of another token, of another address (a forged Host header), or of other values.
func TestForgedSMSCallbackChangesNothing(t *testing.T) {
	t.Parallel()
	app, p, callback, row := servedSMS(t, "+13235550123")
	m := smstest.Message{SID: row.GetString("provider_id"), To: "+13235550123", From: smsFrom}
	form := p.CallbackForm(m, "delivered", "")
	other := p.CallbackForm(m, "failed", "")
	forgedHost := "http://forged.example" + outbox.SMSStatusPath
	cases := []struct {
		name      string
		form      url.Values
		signature string
		host      string
	}{
		{"unsigned", form, "", ""},
		{"signed with another token", form, smstest.Sign("f"+smstest.Token[1:], callback, form), ""},
		{"signed for the Host header it forges", form, smstest.Sign(smstest.Token, forgedHost, form), "forged.example"},
		{"another status under the signature", form, smstest.Sign(smstest.Token, callback, other), ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodPost, callback, strings.NewReader(c.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c.signature != "" {
			req.Header.Set("X-Twilio-Signature", c.signature)
		}
		if c.host != "" {
			req.Host = c.host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: answered %d, want 403", c.name, res.StatusCode)
		}
	}
	if r := reload(t, app, row); r.GetString("delivery") != vocab.DeliverySent || !r.GetDateTime("delivered_at").IsZero() {
		t.Fatalf("a forged callback changed the row: %v", r.PublicExport())
	}
	// A signed report of a message nobody sent from here: 200, and nothing.
	unknown := smstest.Message{SID: "SM00000000000000000000000000000000", To: "+13235550123", From: smsFrom}
	f := p.CallbackForm(unknown, "delivered", "")
	if status := p.Post(callback, f, smstest.Sign(smstest.Token, callback, f)); status != http.StatusOK {
		t.Fatalf("unknown sid: %d", status)
	}
	if r := reload(t, app, row); r.GetString("delivery") != vocab.DeliverySent {
		t.Fatalf("an unknown sid changed the row: %v", r.PublicExport())
	}
}
