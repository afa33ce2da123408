package access_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestUnknownFieldsAreRefusedByName sends each of the appliance's own routes a body that
// would be accepted but for one field the route does not take (an owner, a status, a hash,
// the duress flag): each answer is a 400 naming that field, and nothing is written. The
// browser's whole PushSubscription.toJSON() is still taken.
func TestUnknownFieldsAreRefusedByName(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	family := "/api/alertbutton/family/" + w.familyToken
	alert := "/api/alertbutton/alerts/" + w.alert2.GetString("uid")
	sub := func(extra, keysExtra string) string {
		return `{"endpoint":"http://127.0.0.1/push/new","expirationTime":null,"keys":{"p256dh":"` + subKey + `","auth":"` + subAuth + `"` + keysExtra + `}` + extra + `}`
	}
	cases := []struct {
		caller, method, path, body, field string
	}{
		{regA, http.MethodPost, "/api/alertbutton/alerts", `{"kind":"detained","status":"resolved"}`, "status"},
		{regA, http.MethodPost, alert + "/cancel", `{"pin":"` + cancelPIN + `","duress":false}`, "duress"},
		{regA, http.MethodPost, alert + "/safe", `{"pin":"` + cancelPIN + `","status":"resolved"}`, "status"},
		{regA, http.MethodPost, "/api/alertbutton/pins", `{"cancelPin":"1234","duressPin":"9876","cancel_pin_hash":"x"}`, "cancel_pin_hash"},
		{regA, http.MethodPost, "/api/alertbutton/push/subscriptions", sub(`,"registrant":"`+w.b.Id+`"`, ""), "registrant"},
		{regA, http.MethodPost, "/api/alertbutton/push/subscriptions", sub("", `,"owner":"x"`), "keys.owner"},
		{regA, http.MethodDelete, "/api/alertbutton/push/subscriptions", `{"endpoint":"` + w.sub.GetString("endpoint") + `","registrant":"` + w.b.Id + `"}`, "registrant"},
		{regA, http.MethodPost, "/api/alertbutton/contacts/" + w.contact.Id + "/family-link", `{"token":"mine"}`, "token"},
		{regA, http.MethodPost, "/api/alertbutton/checkins/" + w.checkin.Id + "/done", `{"status":"fired"}`, "status"},
		{rel, http.MethodPost, family + "/alerts", `{"kind":"detained","registrant":"` + w.b.Id + `"}`, "registrant"},
		{rel, http.MethodPost, family + "/subscriptions", sub(`,"contact":"x"`, ""), "contact"},
		{rel, http.MethodDelete, family + "/subscriptions", `{"endpoint":"x","contact":"x"}`, "contact"},
		{adviser, http.MethodPost, "/api/alertbutton/registrants/" + w.a.Id + "/recovery-code", `{"verifiedBy":"phone","code":"12345678"}`, "code"},
		{anon, http.MethodPost, "/api/alertbutton/recovery", `{"phone":"+13235550100","code":"12345678","password":"contraseña-nueva-1","passwordConfirm":"contraseña-nueva-1","tokenKey":"x"}`, "tokenKey"},
		{adviser, http.MethodPost, "/api/alertbutton/federation/alerts/" + w.alert.GetString("uid") + "/notes", `{"note":"hola","to":"fresno"}`, "to"},
	}
	before := w.rowCounts()
	for _, c := range cases {
		what := c.caller + " " + c.method + " " + shorten(c.path)
		status, body := w.request(c.caller, c.method, c.path, c.body)
		if status != http.StatusBadRequest || !strings.Contains(body, `"`+c.field+`":{"code":"unknown_field"`) || !strings.Contains(body, c.field) {
			t.Errorf("%s with %q: %d %s, want 400 naming it", what, c.field, status, shorten(body))
		}
		if after := w.rowCounts(); !equalCounts(before, after) {
			t.Errorf("%s wrote: rows %v, were %v", what, diff(before, after), diff(after, before))
			before = after
		}
	}
	if status, body := w.request(regA, http.MethodPost, "/api/alertbutton/push/subscriptions", sub("", "")); status != http.StatusCreated {
		t.Errorf("the browser's own subscription: %d %s", status, body)
	}
}
