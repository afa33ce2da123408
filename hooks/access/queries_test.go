package access_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOnlyStaffQueryPastACollectionsOwnFields: a caller who is not staff filters, sorts and
// picks fields on the collection's own visible fields only, through the records API and
// realtime; relations, back-relations, @collection, @request, modifiers, functions, expand
// and unknown parameters are refused with a 400 naming the parameter. Staff are not limited.
func TestOnlyStaffQueryPastACollectionsOwnFields(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	contacts := "/api/collections/contacts/records"
	cases := []struct {
		caller, method, path string
		refused              string // the parameter named in the 400, or "" when allowed
	}{
		// What the phone and the family page ask.
		{regA, http.MethodGet, contacts + "?perPage=1&fields=id", ""},
		{regA, http.MethodGet, contacts + "?perPage=50&sort=created", ""},
		{regA, http.MethodGet, "/api/collections/checkins/records?perPage=20&sort=-due_at", ""},
		{regA, http.MethodGet, "/api/collections/registrants/records/" + w.a.Id + "?fields=disclosure", ""},
		{anon, http.MethodGet, "/api/collections/consulates/records?perPage=1&fields=code,phone,name,city,state&filter=" + q(`code="fresno"`), ""},
		// The admin UI's sign-in page asks for every sign-in method; nothing else is picked there.
		{anon, http.MethodGet, "/api/collections/_superusers/auth-methods?fields=" + q("mfa,otp,password,oauth2"), ""},
		{anon, http.MethodGet, "/api/collections/_superusers/auth-methods?fields=email", "fields"},
		{anon, http.MethodGet, "/api/collections/_superusers/auth-methods?expand=x", "expand"},
		// Own fields, however combined.
		{regA, http.MethodGet, contacts + "?filter=" + q(`(name ~ "Ro" || relationship = "") && language != "en" && registrant = "`+w.a.Id+`"`), ""},
		{regA, http.MethodGet, contacts + "?sort=-created,+name&page=1&skipTotal=1&lang=en", ""},
		{regA, http.MethodGet, contacts + "?filter=" + q(`phone = null`), ""},
		// Anything else.
		{regA, http.MethodGet, contacts + "?filter=" + q(`registrant.name = "Ana"`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`registrant.alerts_via_registrant.duress = true`), "filter"},
		{regA, http.MethodGet, "/api/collections/registrants/records?filter=" + q(`alerts_via_registrant.status ?= "new"`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`@collection.alerts.duress = true`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`@request.auth.id != ""`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`name:lower = "rosa"`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`registrant:length > 0`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`family_token_hash != ""`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`strftime('%Y', created) = "2026"`), "filter"},
		{regA, http.MethodGet, contacts + "?filter=" + q(`name = "a" &&`), "filter"},
		{regA, http.MethodGet, "/api/collections/checkins/records?filter=" + q(`alert != ""`), "filter"},
		{regA, http.MethodGet, contacts + "?sort=registrant.name", "sort"},
		{regA, http.MethodGet, contacts + "?sort=@random", "sort"},
		{regA, http.MethodGet, contacts + "?expand=registrant", "expand"},
		{regA, http.MethodGet, contacts + "?fields=" + q(`*,expand.registrant.name`), "fields"},
		{regA, http.MethodGet, contacts + "?fields=" + q(`name:excerpt(5)`), "fields"},
		{regA, http.MethodGet, contacts + "?perPage=5&perPage=6", "perPage"},
		{regA, http.MethodGet, contacts + "?x=1", "x"},
		{regA, http.MethodGet, "/api/collections/registrants/records/" + w.a.Id + "?expand=alerts_via_registrant", "expand"},
		{regA, http.MethodGet, "/api/collections/registrants/records/" + w.a.Id + "?fields=email", "fields"},
		{regA, http.MethodPost, "/api/collections/registrants/auth-refresh?expand=alerts_via_registrant", "expand"},
		{regA, http.MethodPatch, "/api/collections/checkins/records/" + w.checkin.Id + "?expand=alert", "expand"},
		{anon, http.MethodGet, "/api/collections/consulates/records?filter=" + q(`@collection.alerts.duress = true`), "filter"},
		// Staff work the cases with PocketBase's whole query language.
		{adviser, http.MethodGet, "/api/collections/alerts/records?filter=" + q(`alert_events_via_alert.type ?= "duress"`) + "&expand=registrant", ""},
		{consul, http.MethodGet, "/api/collections/checkins/records?expand=alert&sort=-alert.created", ""},
	}
	for _, c := range cases {
		body := ""
		if c.method == http.MethodPatch {
			body = "{}"
		}
		status, out := w.request(c.caller, c.method, c.path, body)
		what := c.caller + " " + c.method + " " + c.path
		if c.refused == "" {
			if !ok(status) {
				t.Errorf("%s: %d %s, want it answered", what, status, shorten(out))
			}
			continue
		}
		if status != http.StatusBadRequest || !strings.Contains(out, `"`+c.refused+`":{"code":"query_not_allowed"`) ||
			!strings.Contains(out, "no está permitida") {
			t.Errorf("%s: %d %s, want a 400 naming %s", what, status, shorten(out), c.refused)
		}
	}

	// Realtime takes the same parameters in its options; headers are refused too.
	topics := []struct {
		caller, topic string
		allowed       bool
	}{
		{regA, "contacts?options=" + q(`{"query":{"filter":"name = \"Rosa\"","fields":"id,name"}}`), true},
		{regA, "contacts/" + w.contact.Id, true},
		{regA, "contacts?options=" + q(`{"query":{"filter":"registrant.alerts_via_registrant.duress = true"}}`), false},
		{regA, "checkins/" + w.checkin.Id + "?options=" + q(`{"query":{"expand":"alert"}}`), false},
		{regA, "contacts?options=" + q(`{"headers":{"x-token":"1"}}`), false},
		{regA, "contacts?options=" + q(`{"query":{"perPage":5}}`), false},
		{regA, "contacts?other=1", false},
		{anon, "consulates?options=" + q(`{"query":{"filter":"@collection.alerts.duress = true"}}`), false},
		{adviser, "alerts?options=" + q(`{"query":{"expand":"registrant","filter":"alert_events_via_alert.type ?= \"duress\""}}`), true},
	}
	for _, c := range topics {
		_, status, out := w.tryListen(c.caller, c.topic)
		if got := status == http.StatusNoContent; got != c.allowed {
			t.Errorf("%s subscribes to %s: %d %s, want allowed %v", c.caller, c.topic, status, shorten(out), c.allowed)
		}
	}
}

func q(s string) string { return url.QueryEscape(s) }
