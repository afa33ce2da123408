package family_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// issued makes a registrant with a relative and issues the relative's link through the
// route, as the phone does; it returns the served app's URL and the link's token.
func issued(t *testing.T) (app core.App, url string, owner, contact *core.Record, token string) {
	t.Helper()
	tapp, _ := apptest.New(t, "los-angeles")
	apptest.ConfigOf(tapp).PublicURL = "http://alerta.example"
	owner, contact, _ = linked(t, tapp, "es")
	srv := apptest.Serve(t, tapp)
	status, body := apptest.CallURL(t, http.MethodPost, srv.URL+linkPath(contact), apptest.Token(t, owner), "{}")
	if status != 200 {
		t.Fatal(status, body)
	}
	return tapp, srv.URL, owner, contact, linkOf(t, body).Token
}

func linkPath(contact *core.Record) string {
	return "/api/alertbutton/contacts/" + contact.Id + "/family-link"
}

type link struct{ URL, Token string }

func linkOf(t *testing.T, body string) link {
	t.Helper()
	var l link
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err, body)
	}
	return l
}

// pageStatus is what the family page answers to token.
func pageStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+family.Path, nil)
	req.Header.Set(family.Header, token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestShowingTheLinkAgainDoesNotRevokeIt(t *testing.T) {
	t.Parallel()
	_, url, owner, contact, token := issued(t)
	for i := 0; i < 2; i++ {
		status, body := apptest.CallURL(t, http.MethodGet, url+linkPath(contact), apptest.Token(t, owner), "")
		if status != 200 {
			t.Fatal(status, body)
		}
		if got := linkOf(t, body); got.Token != token || got.URL != "http://alerta.example/family/#"+token {
			t.Fatalf("shown again: %+v, want the link issued (%s)", got, token)
		}
	}
	if status := pageStatus(t, url, token); status != 200 {
		t.Fatalf("the family page answers %d to the link shown again", status)
	}
}

func TestRevokingTheLinkStopsIt(t *testing.T) {
	t.Parallel()
	app, url, owner, contact, token := issued(t)
	apptest.Subscription(t, app, "contact", contact.Id, "es")
	if status, body := apptest.CallURL(t, http.MethodDelete, url+linkPath(contact), apptest.Token(t, owner), ""); status != 204 {
		t.Fatal(status, body)
	}
	if status := pageStatus(t, url, token); status != 404 {
		t.Fatalf("the revoked link's page answers %d", status)
	}
	if n, _ := app.CountRecords("push_subscriptions"); n != 0 {
		t.Errorf("%d push subscriptions of the revoked link are left: they would still be told", n)
	}
	// Nothing is left to show again: a new link takes a new issue.
	if status, body := apptest.CallURL(t, http.MethodGet, url+linkPath(contact), apptest.Token(t, owner), ""); status != 404 || !strings.Contains(body, "Crea uno nuevo") {
		t.Fatalf("showing a revoked link: %d %s", status, body)
	}
}

// A link issued before its copy was kept sealed (or replaced behind the copy) cannot be shown.
func TestALinkWithoutItsSealedCopyIsNotShown(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	owner, contact, _ := linked(t, app, "es")
	srv := apptest.Serve(t, app)
	if status, body := apptest.CallURL(t, http.MethodGet, srv.URL+linkPath(contact), apptest.Token(t, owner), ""); status != 404 {
		t.Fatal(status, body)
	}
}

func TestLinkRoutesAreTheOwnersOnly(t *testing.T) {
	t.Parallel()
	app, url, _, contact, _ := issued(t)
	other := registrant(t, app, "+13105550161")
	adviser := apptest.Staff(t, app, "adviser@consulado.example", "adviser", false)
	callers := []struct {
		name, token string
		want        int
	}{
		{"another registrant", apptest.Token(t, other), 404},
		{"staff", apptest.Token(t, adviser), 403},
		{"anonymous", "", 401},
	}
	for _, c := range callers {
		for _, method := range []string{http.MethodGet, http.MethodDelete, http.MethodPost} {
			if status, body := apptest.CallURL(t, method, url+linkPath(contact), c.token, "{}"); status != c.want {
				t.Errorf("%s %s: %d %s, want %d", c.name, method, status, body, c.want)
			}
		}
	}
	for _, c := range callers[1:] {
		if status, body := apptest.CallURL(t, http.MethodGet, url+"/api/alertbutton/family-links", c.token, ""); status != c.want {
			t.Errorf("%s reads link states: %d %s, want %d", c.name, status, body, c.want)
		}
	}
	// Another registrant's list holds only their own relatives: none.
	if status, body := apptest.CallURL(t, http.MethodGet, url+"/api/alertbutton/family-links", apptest.Token(t, other), ""); status != 200 || strings.TrimSpace(body) != `{"items":[]}` {
		t.Errorf("another registrant's link states: %d %s", status, body)
	}
	if pageStatus(t, url, "") == 200 {
		t.Error("the family page answers without a token")
	}
}

func TestLinkStates(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	owner := registrant(t, app, "+13105550160")
	none := apptest.Contact(t, app, owner, apptest.Fields{"name": "Sin Enlace"})
	notOpened, _ := apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "No Abrió"})
	subscribed, _ := apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "Suscrita"})
	apptest.Subscription(t, app, "contact", subscribed.Id, "es")
	failing, _ := apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "Falla"})
	dead := apptest.Subscription(t, app, "contact", failing.Id, "es")
	dead.Set("failures", 3)
	if err := app.Save(dead); err != nil {
		t.Fatal(err)
	}
	texted, _ := apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "Avisada", "phone": "+13105550199"})
	sms(t, app, texted, vocab.MessageCreated, vocab.DeliveryDelivered)
	// Texts that do not count: one not delivered, and one of a later notice (sent after a
	// real cancel and never after the duress PIN, so it would tell them apart).
	sent, _ := apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "Enviada", "phone": "+13105550198"})
	sms(t, app, sent, vocab.MessageCreated, vocab.DeliverySent)
	later, _ := apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "Después", "phone": "+13105550197"})
	sms(t, app, later, vocab.MessageStatus, vocab.DeliveryDelivered)

	srv := apptest.Serve(t, app)
	status, body := apptest.CallURL(t, http.MethodGet, srv.URL+"/api/alertbutton/family-links", apptest.Token(t, owner), "")
	if status != 200 {
		t.Fatal(status, body)
	}
	var out struct {
		Items []struct{ Contact, State string }
	}
	json.Unmarshal([]byte(body), &out)
	got := map[string]string{}
	for _, it := range out.Items {
		got[it.Contact] = it.State
	}
	want := map[string]string{
		none.Id: family.LinkNone, notOpened.Id: family.LinkNotOpened, subscribed.Id: family.LinkSubscribed,
		failing.Id: family.LinkNotOpened, texted.Id: family.LinkSMS, sent.Id: family.LinkNotOpened, later.Id: family.LinkNotOpened,
	}
	if len(got) != len(want) {
		t.Fatalf("states %s", body)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("contact %s: %q, want %q (%s)", id, got[id], w, body)
		}
	}
	if strings.Contains(body, "+1310") || strings.Contains(body, "Avisada") {
		t.Errorf("the states carry personal data: %s", body)
	}
}

// sms queues an SMS of a notice of type typ to contact c and sets its delivery state.
func sms(t *testing.T, app core.App, c *core.Record, typ, delivery string) {
	t.Helper()
	to := outbox.Recipient{Kind: vocab.RecipientContact, ID: c.Id}
	if err := outbox.SMS(app, to, push.Payload{Type: typ, Alert: "A1B2C3D4E5", Title: "t", Body: "b", Lang: "es"}); err != nil {
		t.Fatal(err)
	}
	row, err := app.FindFirstRecordByData("outbox", "recipient", c.Id)
	if err != nil {
		t.Fatal(err)
	}
	row.Set("state", "sent") // handed to the provider: the dispatcher is done with it
	row.Set("delivery", delivery)
	if err := app.Save(row); err != nil {
		t.Fatal(err)
	}
}

// Whoever holds a seized phone learns nothing from the links: after the duress PIN the
// relatives' links, those added since included, show and read exactly as after a real
// cancel.
func TestLinksAnswerTheSameAfterDuressAsAfterCancel(t *testing.T) {
	t.Parallel()
	answers := map[string]string{}
	for _, pin := range []string{apptest.CancelPIN, apptest.DuressPIN} {
		app, cfg := apptest.New(t, "los-angeles")
		owner, before, _ := linked(t, app, "es")
		apptest.SetPINs(t, app, owner)
		srv := apptest.Serve(t, app)
		tok := apptest.Token(t, owner)
		issue := func(c *core.Record) string {
			status, body := apptest.CallURL(t, http.MethodPost, srv.URL+linkPath(c), tok, "{}")
			if status != 200 {
				t.Fatal(status, body)
			}
			return linkOf(t, body).Token
		}
		tokens := map[string]string{before.Id: issue(before)}
		alert := apptest.Raise(t, app, cfg, owner, 34.05, -118.25, "")
		if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+"/api/alertbutton/alerts/"+alert.GetString("uid")+"/cancel", tok, `{"pin":"`+pin+`"}`); status != 200 {
			t.Fatal(status, body)
		}
		after := apptest.Contact(t, app, owner, apptest.Fields{"name": "Luis López"})
		tokens[after.Id] = issue(after)
		var seen []string
		for _, c := range []*core.Record{before, after} {
			status, body := apptest.CallURL(t, http.MethodGet, srv.URL+linkPath(c), tok, "")
			seen = append(seen, fmt.Sprint(status, linkOf(t, body).Token == tokens[c.Id]))
		}
		_, states := apptest.CallURL(t, http.MethodGet, srv.URL+"/api/alertbutton/family-links", tok, "")
		for id, name := range map[string]string{before.Id: "before", after.Id: "after"} {
			states = strings.ReplaceAll(states, id, name)
		}
		answers[pin] = strings.Join(seen, ";") + " " + states
	}
	if answers[apptest.CancelPIN] != answers[apptest.DuressPIN] {
		t.Errorf("the links tell the PINs apart:\ncancel %s\nduress %s", answers[apptest.CancelPIN], answers[apptest.DuressPIN])
	}
	if !strings.HasPrefix(answers[apptest.CancelPIN], "200 true;200 true ") {
		t.Errorf("the links are not shown again: %s", answers[apptest.CancelPIN])
	}
}
