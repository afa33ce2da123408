package outbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/sms/smstest"
)

const smsFrom = "+12135550100"

// smsApp is an appliance whose SMS provider is a fake one on loopback, with its clock.
func smsApp(t *testing.T) (*tests.TestApp, *appliance.Config, *smstest.Server, *apptest.Clock) {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	p := smstest.New(t)
	cfg.SMS = appliance.SMS{AccountSID: smstest.Account, AuthToken: smstest.Token, From: smsFrom, BaseURL: p.URL, PerAlert: 10, PerDay: 300}
	cfg.PublicURL = "https://alerta.consulado.example"
	return app, cfg, p, apptest.NewClock(time.Now())
}

// relative saves a relative with phone, in lang, without a family link.
func relative(t *testing.T, app core.App, phone, lang string) *core.Record {
	t.Helper()
	owner := apptest.Registrant(t, app, fmt.Sprintf("+1310556%04d", phones.Add(1)), apptest.Fields{"name": "Ana López"})
	return apptest.Contact(t, app, owner, apptest.Fields{"name": "Juan López", "language": lang, "phone": phone})
}

func queueSMS(t *testing.T, app core.App, to outbox.Recipient, ps ...push.Payload) {
	t.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		for _, p := range ps {
			if err := outbox.SMS(tx, to, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func toContact(c *core.Record) outbox.Recipient {
	return outbox.Recipient{Kind: vocab.RecipientContact, ID: c.Id}
}

// payloadOf is payload(i) about the alert uid.
func payloadOf(i int, uid string) push.Payload {
	p := payload(i)
	p.Alert = uid
	return p
}

func TestSMSCarriesTheRelativesFamilyLink(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	token, hash := family.NewToken()
	contact := relative(t, app, "+13235550111", "es")
	contact.Set("family_token_hash", hash)
	contact.Set("family_token_sealed", token)
	if err := app.Save(contact); err != nil {
		t.Fatal(err)
	}
	queueSMS(t, app, toContact(contact), payload(1))
	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})); sent != 1 {
		t.Fatalf("handed %d SMS, want 1", sent)
	}
	msgs := p.Messages()
	if len(msgs) != 1 {
		t.Fatalf("the provider took %d messages", len(msgs))
	}
	m := msgs[0]
	link := "https://alerta.consulado.example/family/#" + token
	if m.To != "+13235550111" || m.From != smsFrom || m.StatusCallback != "https://alerta.consulado.example/api/alertbutton/sms/status" {
		t.Fatalf("message %+v", m)
	}
	for _, s := range []string{payload(1).Title, payload(1).Body, "Sigue el caso aquí: " + link} {
		if !strings.Contains(m.Body, s) {
			t.Fatalf("the SMS lacks %q: %s", s, m.Body)
		}
	}
	if c, err := family.ContactByToken(app, token); err != nil || c.Id != contact.Id {
		t.Fatalf("the link sent is not the relative's: %v", err)
	}
	row := onlyRow(t, app, contact.Id)
	checkState(t, row, "sent", 1, "")
	if row.GetString("delivery") != vocab.DeliverySent || row.GetString("provider_id") != m.SID || row.GetString("recipient_kind") != vocab.RecipientContact {
		t.Fatalf("row %v", row.PublicExport())
	}
	if raw, _ := row.MarshalJSON(); strings.Contains(string(raw), "3235550111") || strings.Contains(string(raw), token) {
		t.Fatalf("the outbox row holds the phone or the token: %s", raw)
	}
}

// Without a link, or with a sealed copy that is not the link in force (written by someone
// else), the relative gets the consulate's number, in their language.
func TestSMSWithoutALinkGivesTheConsulatesNumber(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	unlinked := relative(t, app, "+13235550112", "en")
	forged := relative(t, app, "+13235550113", "es")
	_, hash := family.NewToken()
	forged.Set("family_token_hash", hash)
	forged.Set("family_token_sealed", "a-token-of-someone-elses")
	if err := app.Save(forged); err != nil {
		t.Fatal(err)
	}
	en := payload(1)
	en.Title, en.Body, en.Lang = "Alert from Ana", "Ana pressed the alert button.", "en"
	queueSMS(t, app, toContact(unlinked), en)
	queueSMS(t, app, toContact(forged), payload(2))
	la, err := app.FindFirstRecordByData("consulates", "code", "los-angeles")
	if err != nil {
		t.Fatal(err)
	}
	la.Set("phone", "+1 213 351 6800")
	if err := app.Save(la); err != nil {
		t.Fatal(err)
	}
	runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now}))
	bodies := map[string]string{}
	for _, m := range p.Messages() {
		bodies[m.To] = m.Body
	}
	if b := bodies["+13235550112"]; !strings.Contains(b, "Call the consulate: "+la.GetString("phone")) || strings.Contains(b, "/family/") {
		t.Fatalf("SMS to the unlinked relative: %q", b)
	}
	if b := bodies["+13235550113"]; !strings.Contains(b, "Llama al consulado: "+la.GetString("phone")) || strings.Contains(b, "someone") {
		t.Fatalf("SMS to the relative with a forged copy: %q", b)
	}
}

// Until IT enters the consulate's number, a relative without a link is sent to the CIAM's
// 24-hour line, named as such (never as the consulate's number).
func TestSMSWithoutTheConsulatesNumberGivesTheCIAMLine(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	unlinked := relative(t, app, "+13235550114", "es")
	queueSMS(t, app, toContact(unlinked), payload(1))
	runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now}))
	msgs := p.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d SMS, want 1", len(msgs))
	}
	if b := msgs[0].Body; !strings.Contains(b, "Llama a la línea de 24 horas del CIAM: +1 520 623 7874") || strings.Contains(b, "Llama al consulado") {
		t.Fatalf("SMS without the consulate's number: %q", b)
	}
}

func TestSMSToStaffGoesToTheirPhone(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	adviser := apptest.Staff(t, app, "adviser@consulado.example", "adviser", true)
	adviser.Set("phone", "+12135550177")
	if err := app.Save(adviser); err != nil {
		t.Fatal(err)
	}
	page := push.Payload{Type: "alert.escalated", Alert: alertUID, Title: "Alerta sin atender", Body: "Nadie la ha atendido.", URL: "/staff/#" + alertUID, Lang: "es"}
	queueSMS(t, app, outbox.Recipient{Kind: vocab.RecipientStaff, ID: adviser.Id}, page)
	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})); sent != 1 {
		t.Fatalf("handed %d SMS, want 1", sent)
	}
	m := p.Messages()[0]
	if m.To != "+12135550177" || !strings.Contains(m.Body, "Alerta sin atender") || !strings.Contains(m.Body, "https://alerta.consulado.example/staff/#"+alertUID) {
		t.Fatalf("message %+v", m)
	}
}

func TestSMSOffFailsAtOnceSayingSo(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	cfg.SMS = appliance.SMS{}
	contact := relative(t, app, "+13235550114", "es")
	queueSMS(t, app, toContact(contact), payload(1))
	runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now}))
	row := onlyRow(t, app, contact.Id)
	checkState(t, row, "dead", 0, "SMS is not set up")
	if row.GetString("delivery") != vocab.DeliveryFailed || p.Requests() != 0 {
		t.Fatalf("row %v, %d requests", row.PublicExport(), p.Requests())
	}
}

func TestSMSToAnInvalidNumberFailsWithoutIt(t *testing.T) {
	t.Parallel()
	app, cfg, _, clock := smsApp(t)
	contact := relative(t, app, "+1555", "es")
	queueSMS(t, app, toContact(contact), payload(1))
	runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now}))
	row := onlyRow(t, app, contact.Id)
	checkState(t, row, "dead", 1, "21211")
	if strings.Contains(row.GetString("last_error"), "+1555") || row.GetString("delivery") != vocab.DeliveryFailed {
		t.Fatalf("row %v", row.PublicExport())
	}
}

func TestSMSRetriesWhenTheProviderAsksToWait(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	contact := relative(t, app, "+13235550115", "es")
	p.Script(smstest.Answer{Status: http.StatusTooManyRequests, Code: 20429, RetryAfter: "120"},
		smstest.Answer{Status: http.StatusInternalServerError, Code: 20500})
	queueSMS(t, app, toContact(contact), payload(1))
	d := dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})
	runOnce(t, d)
	row := onlyRow(t, app, contact.Id)
	checkState(t, row, "pending", 1, "429")
	if at := row.GetDateTime("next_at").Time(); !at.Equal(clock.Now().Add(120 * time.Second).Truncate(time.Millisecond)) {
		t.Fatalf("next try at %v, want Retry-After's 120 s after %v", at, clock.Now())
	}
	if sent := runOnce(t, d); sent != 0 || p.Requests() != 1 {
		t.Fatalf("sent %d before Retry-After passed (%d requests)", sent, p.Requests())
	}
	clock.Add(121 * time.Second)
	runOnce(t, d) // 500: backoff
	row = onlyRow(t, app, contact.Id)
	checkState(t, row, "pending", 2, "500")
	if !row.GetDateTime("next_at").Time().After(clock.Now()) {
		t.Fatalf("a 500 is retried at once: %v", row.GetDateTime("next_at"))
	}
	clock.Add(time.Hour)
	if sent := runOnce(t, d); sent != 1 {
		t.Fatalf("handed %d after the provider recovered", sent)
	}
	checkState(t, onlyRow(t, app, contact.Id), "sent", 3, "")
}

func TestSMSBudgetPerAlert(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	cfg.SMS.PerAlert = 2
	contact := relative(t, app, "+13235550116", "es")
	queueSMS(t, app, toContact(contact), payload(1), payload(2), payload(3))
	queueSMS(t, app, toContact(contact), payloadOf(4, "01JD3X2K7Q9F8V6N4M2P0R5T7X")) // another alert's
	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})); sent != 3 {
		t.Fatalf("handed %d SMS, want 2 of the first alert and 1 of the other", sent)
	}
	var over int
	for _, row := range rows(t, app, contact.Id) {
		if row.GetString("state") == "dead" {
			over++
			checkState(t, row, "dead", 0, "over the SMS budget IT set (2 an alert)")
		}
	}
	if over != 1 || len(p.Messages()) != 3 {
		t.Fatalf("%d over the budget, %d sent", over, len(p.Messages()))
	}
}

func TestSMSBudgetPerDay(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	cfg.SMS.PerDay = 2
	contact := relative(t, app, "+13235550117", "es")
	for i := range 3 {
		queueSMS(t, app, toContact(contact), payloadOf(i, fmt.Sprintf("01JD3X2K7Q9F8V6N4M2P0R5T7%d", i)))
	}
	d := dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})
	if sent := runOnce(t, d); sent != 2 {
		t.Fatalf("handed %d SMS, want the day's 2", sent)
	}
	for _, row := range rows(t, app, contact.Id) {
		if row.GetString("state") == "dead" {
			checkState(t, row, "dead", 0, "over the SMS budget IT set (2 a day)")
		}
	}
	// The budget is of the last 24 hours.
	clock.Add(25 * time.Hour)
	queueSMS(t, app, toContact(contact), payloadOf(9, "01JD3X2K7Q9F8V6N4M2P0R5T79"))
	if sent := runOnce(t, d); sent != 1 || len(p.Messages()) != 3 {
		t.Fatalf("handed %d a day later (%d in all)", sent, len(p.Messages()))
	}
}

// A relative whose push fails, reached by no other channel, gets the SMS; one reached by
// e-mail does not.
func TestFailedPushFallsBackToSMS(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	host, _ := statusService(t, http.StatusBadRequest) // refuses every push for good
	cfg.PushHosts = push.HostList{host}
	lone := relative(t, app, "+13235550118", "es")
	mailed := relative(t, app, "+13235550119", "es")
	enableSMTP(app, cfg)
	cfg.PublicURL = "https://alerta.consulado.example"
	mailed.Set("email", "juan@familia.example.mx")
	if err := app.Save(mailed); err != nil {
		t.Fatal(err)
	}
	queueEmail(t, app, mailed.Id, payload(1))
	d := dispatcher(t, app, cfg, outbox.Options{Now: clock.Now})
	runOnce(t, d) // the e-mail reaches the second relative
	var subs []*core.Record
	for _, c := range []*core.Record{lone, mailed} {
		sub := saveSubscription(t, app, fakeSubscription(t, host))
		sub.Set("contact", c.Id)
		if err := app.Save(sub); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
		queuePush(t, app, sub.Id, payload(1))
	}
	runOnce(t, d) // the pushes fail; the lone relative's SMS is queued
	runOnce(t, d) // and sent
	checkState(t, onlyRow(t, app, subs[0].Id), "dead", 1, "refused")
	msgs := p.Messages()
	if len(msgs) != 1 || msgs[0].To != "+13235550118" || !strings.Contains(msgs[0].Body, payload(1).Body) {
		t.Fatalf("SMS sent: %+v", msgs)
	}
	if n := len(rows(t, app, mailed.Id)); n != 1 {
		t.Fatalf("the relative reached by e-mail has %d rows (an SMS too?)", n)
	}
}

// A relative added or changed after the alert was raised may be whoever holds the person's
// phone: their SMS of that alert is not sent (notify's rule, kept at send time).
func TestSMSToARelativeChangedSinceTheAlertIsNotSent(t *testing.T) {
	t.Parallel()
	app, cfg, p, clock := smsApp(t)
	reg := apptest.Registrant(t, app, "+13105550191", apptest.Fields{"name": "Ana López"})
	alert := apptest.Raise(t, app, cfg, reg, 34.05, -118.24, "")
	// Raised an hour ago: the relative below is surely newer.
	raised := alert.GetDateTime("created").Time().Add(-time.Hour).Format("2006-01-02 15:04:05.000Z")
	if _, err := app.DB().Update("alerts", dbx.Params{"created": raised}, dbx.HashExp{"id": alert.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	later := apptest.Contact(t, app, reg, apptest.Fields{"phone": "+13235550124"})
	queueSMS(t, app, toContact(later), payloadOf(1, alert.GetString("uid")))
	runOnce(t, dispatcher(t, app, cfg, outbox.Options{Now: clock.Now}))
	checkState(t, onlyRow(t, app, later.Id), "dead", 0, "changed after the alert was raised")
	if p.Requests() != 0 {
		t.Fatalf("%d requests to the provider", p.Requests())
	}
}
