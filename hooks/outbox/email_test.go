package outbox_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// phones gives each registrant newContact saves a phone of its own (random digits repeat).
var phones atomic.Int64

func newContact(t *testing.T, app core.App, email, lang string) *core.Record {
	t.Helper()
	owner := apptest.Registrant(t, app, fmt.Sprintf("+1310555%04d", phones.Add(1)), apptest.Fields{"name": "Ana López"})
	return apptest.Contact(t, app, owner, apptest.Fields{"name": "Juan López", "language": lang, "email": email})
}

func enableSMTP(app *tests.TestApp, cfg *appliance.Config) {
	s := app.Settings()
	s.SMTP.Enabled = true
	s.Meta.SenderName = "Consulado de México en Los Ángeles"
	s.Meta.SenderAddress = "avisos@consulado.example.org"
	cfg.PublicURL = "https://losangeles.consulado.example.org"
}

func queueEmail(t *testing.T, app core.App, contactID string, p push.Payload) {
	t.Helper()
	if err := app.RunInTransaction(func(txApp core.App) error { return outbox.Email(txApp, contactID, p) }); err != nil {
		t.Fatal(err)
	}
}

func TestEmailIsSentInTheContactsLanguage(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	enableSMTP(app, cfg)
	es := newContact(t, app, "juan@familia.example.mx", "es")
	en := newContact(t, app, "john@family.example.com", "en")
	pes := payload(1)
	pen := push.Payload{Type: "alert.created", Alert: alertUID, Title: "Alert: your relative was detained",
		Body: "The consulate has been notified.", URL: "/family/status", Lang: "en"}
	queueEmail(t, app, es.Id, pes)
	queueEmail(t, app, en.Id, pen)

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 2 {
		t.Fatalf("sent %d e-mails, want 2", sent)
	}
	msgs := app.TestMailer.Messages()
	if len(msgs) != 2 {
		t.Fatalf("the mailer got %d messages, want 2", len(msgs))
	}
	byTo := map[string]int{}
	for i, m := range msgs {
		if len(m.To) != 1 {
			t.Fatalf("message %d has recipients %v", i, m.To)
		}
		byTo[m.To[0].Address] = i
		if m.From.Address != "avisos@consulado.example.org" || m.From.Name != "Consulado de México en Los Ángeles" {
			t.Fatalf("From = %v", m.From)
		}
	}
	checks := []struct {
		to   string
		p    push.Payload
		want []string
	}{
		{"juan@familia.example.mx", pes, []string{"Abrir: https://losangeles.consulado.example.org/alerts/" + alertUID, "Este aviso lo envía", "Consulado de México en Los Ángeles"}},
		{"john@family.example.com", pen, []string{"Open: https://losangeles.consulado.example.org/family/status", "This notice is sent", "Consulate of Mexico in Los Angeles"}},
	}
	for _, c := range checks {
		i, ok := byTo[c.to]
		if !ok {
			t.Fatalf("nothing sent to %s: %v", c.to, byTo)
		}
		m := msgs[i]
		if m.Subject != c.p.Title {
			t.Fatalf("subject %q, want %q", m.Subject, c.p.Title)
		}
		for _, s := range append(c.want, c.p.Title, c.p.Body) {
			if !strings.Contains(m.Text, s) {
				t.Fatalf("text to %s lacks %q:\n%s", c.to, s, m.Text)
			}
		}
		if !strings.Contains(m.HTML, `lang="`+c.p.Lang+`"`) || !strings.Contains(m.HTML, `href="https://losangeles.consulado.example.org/`) {
			t.Fatalf("HTML to %s:\n%s", c.to, m.HTML)
		}
	}
	for _, contact := range []*core.Record{es, en} {
		row := onlyRow(t, app, contact.Id)
		checkState(t, row, "sent", 1, "")
		if raw, _ := row.MarshalJSON(); strings.Contains(string(raw), "@") {
			t.Fatalf("the outbox row holds an address: %s", raw)
		}
	}
}

// The admin UI's app URL is no source of links: only the public URL serve was started with.
func TestEmailLinksIgnoreTheSettingsAppURL(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	enableSMTP(app, cfg)
	cfg.PublicURL = "https://alerta.consulado.example"
	app.Settings().Meta.AppURL = "https://forged.example"
	contact := newContact(t, app, "juan@familia.example.mx", "es")
	queueEmail(t, app, contact.Id, payload(1))
	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 1 {
		t.Fatalf("sent %d e-mails, want 1", sent)
	}
	m := app.TestMailer.LastMessage()
	if strings.Contains(m.Text+m.HTML, "forged.example") || !strings.Contains(m.Text, ": https://alerta.consulado.example/") {
		t.Fatalf("the e-mail does not link to the public URL alone:\n%s", m.Text)
	}
}

func TestEmailWithoutSMTPIsDead(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	contact := newContact(t, app, "juan@familia.example.mx", "es")
	queueEmail(t, app, contact.Id, payload(1))

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 0 {
		t.Fatalf("sent %d without SMTP", sent)
	}
	checkState(t, onlyRow(t, app, contact.Id), "dead", 0, "SMTP")
	if n := app.TestMailer.TotalSend(); n != 0 {
		t.Fatalf("the mailer got %d messages", n)
	}
}

func TestEmailToContactWithoutAddressIsDead(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	enableSMTP(app, cfg)
	contact := newContact(t, app, "", "es")
	queueEmail(t, app, contact.Id, payload(1))

	runOnce(t, dispatcher(t, app, cfg, outbox.Options{}))
	checkState(t, onlyRow(t, app, contact.Id), "dead", 0, "no e-mail address")
	if n := app.TestMailer.TotalSend(); n != 0 {
		t.Fatalf("the mailer got %d messages", n)
	}
}

// A staff member is written at their account's address (not sealed), with the staff's footer;
// the row names them and holds no address.
func TestEmailToStaffGoesToTheirAccountsAddress(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	enableSMTP(app, cfg)
	consul := apptest.Staff(t, app, "consul@consulado.example", "consul", false)
	p := payload(1)
	if err := app.RunInTransaction(func(txApp core.App) error { return outbox.StaffEmail(txApp, consul.Id, p) }); err != nil {
		t.Fatal(err)
	}

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 1 {
		t.Fatalf("sent %d e-mails, want 1", sent)
	}
	m := app.TestMailer.LastMessage()
	if len(m.To) != 1 || m.To[0].Address != "consul@consulado.example" || m.Subject != p.Title {
		t.Fatalf("message to %v, subject %q", m.To, m.Subject)
	}
	if !strings.Contains(m.Text, "a su personal") || strings.Contains(m.Text, "contacto") {
		t.Fatalf("the e-mail to staff has a relative's footer:\n%s", m.Text)
	}
	row := onlyRow(t, app, consul.Id)
	checkState(t, row, "sent", 1, "")
	if row.GetString("recipient_kind") != "staff" || row.GetString("recipient") != consul.Id || row.GetString("delivery") != "delivered" {
		t.Fatalf("row for %s/%s, delivery %s", row.GetString("recipient_kind"), row.GetString("recipient"), row.GetString("delivery"))
	}
	if raw, _ := row.MarshalJSON(); strings.Contains(string(raw), "@") {
		t.Fatalf("the outbox row holds an address: %s", raw)
	}
}
