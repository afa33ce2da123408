package access_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
)

var (
	staffRoles = []string{adviser, consul, it}
	caseStaff  = []string{adviser, consul} // advisers and consuls: the people's cases
	public     = []string{anon, rel, peer, forged}
	nobody     = []string{}
)

func plus(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// rules is who may do each operation on a collection through PocketBase's records API
// (DESIGN.md section 4 and the roles). "Registrant A" is the owner of the record acted on.
type rules struct{ list, view, create, update, delete []string }

var (
	infrastructure  = rules{list: staffRoles, view: staffRoles, create: []string{it}, update: []string{it}, delete: []string{it}}
	federationState = rules{list: staffRoles, view: staffRoles, create: nobody, update: nobody, delete: nobody}
)

var collections = map[string]rules{
	// Anyone reads the directory; IT writes it.
	"consulates":    {list: callers, view: callers, create: []string{it}, update: []string{it}, delete: []string{it}},
	"jurisdictions": {list: callers, view: callers, create: []string{it}, update: []string{it}, delete: []string{it}},
	// Self only; anyone may register; IT reads (sealed fields hidden) and never writes;
	// no staff member creates an account (it would set the person's credentials).
	"registrants": {
		list: staffRoles, view: plus([]string{regA}, staffRoles),
		create: plus(public, []string{regA, regB}),
		update: plus([]string{regA}, caseStaff), delete: plus([]string{regA}, caseStaff),
	},
	"contacts": {
		list: plus([]string{regA}, staffRoles), view: plus([]string{regA}, staffRoles),
		create: plus([]string{regA}, caseStaff), update: plus([]string{regA}, caseStaff), delete: plus([]string{regA}, caseStaff),
	},
	// Advisers work the case; nobody deletes one. The registrant reads their own only through
	// /api/alertbutton/alerts, as the server projects it (a duress alert reads as cancelled).
	"alerts": {list: staffRoles, view: staffRoles, create: caseStaff, update: caseStaff, delete: nobody},
	// The timeline comes with the alert and is written by the server only.
	"alert_events": {list: staffRoles, view: staffRoles, create: nobody, update: nobody, delete: nobody},
	"checkins": {
		list: plus([]string{regA}, staffRoles), view: plus([]string{regA}, staffRoles),
		create: plus([]string{regA}, caseStaff), update: plus([]string{regA}, caseStaff), delete: plus([]string{regA}, caseStaff),
	},
	// Custom routes only: an endpoint identifies a person's browser.
	"push_subscriptions": {list: nobody, view: nobody, create: nobody, update: nobody, delete: nobody},
	// Staff read; nobody writes but the appliance itself, superusers included.
	"audit_log": {list: staffRoles, view: staffRoles, create: nobody, update: nobody, delete: nobody},
	// The notices queued: staff read; nobody writes but the appliance itself (a row added
	// would be a forged notice to a relative or a consul, one deleted a silenced one).
	"outbox": {list: staffRoles, view: staffRoles, create: nobody, update: nobody, delete: nobody},
	// The scheduler's own report (its hooks refuse every hand edit).
	"jobs": {list: staffRoles, view: staffRoles, create: nobody, update: nobody, delete: nobody},
	// The federation's own state: staff read, only the federation writes it.
	"federation_inbox":   federationState,
	"federation_nonces":  federationState,
	"federation_rosters": federationState,
	"federation_peers":   federationState,
	"federation_seq":     federationState,
	// Staff see each other (to assign cases); only IT adds, changes or removes another.
	core.CollectionNameSuperusers: {list: staffRoles, view: staffRoles, create: []string{it}, update: []string{it}, delete: []string{it}},
}

// createBody is a valid new record of collection, so that a refusal is about who asks.
func createBody(w *world, collection string) map[string]any {
	switch collection {
	case "consulates":
		return map[string]any{"code": "test-office", "name": "Oficina de prueba", "city": "Prueba", "state": "CA"}
	case "jurisdictions":
		return map[string]any{"county_geoid": "99999", "state": "CA", "county_name": "Prueba", "consulate": "fresno", "confidence": "reported", "source": "test"}
	case "registrants":
		w.phones++
		return map[string]any{"phone": fmt.Sprintf("+1213555%04d", w.phones), "password": "contraseña-larga-1", "passwordConfirm": "contraseña-larga-1",
			"name": "Nueva Persona", "language": "es", "consent": true}
	case "contacts":
		return map[string]any{"registrant": w.a.Id, "name": "Tío", "phone": "+5215550000001"}
	case "alerts":
		return map[string]any{"registrant": w.a.Id, "kind": "detained", "note": "walk-in"}
	case "alert_events":
		return map[string]any{"alert": w.alert.Id, "type": "cancelled", "actor": "registrant:" + w.a.Id}
	case "checkins":
		return map[string]any{"registrant": w.a.Id, "due_at": types.NowDateTime().Add(2 * time.Hour).String(), "place": "oficina"}
	case "push_subscriptions":
		return map[string]any{"endpoint": "http://127.0.0.1/push/new-" + core.GenerateDefaultRandomId(), "p256dh": subKey, "auth": subAuth, "registrant": w.a.Id}
	case "audit_log":
		return map[string]any{"seq": 100000, "actor": "system", "action": "view", "hash": strings.Repeat("0", 64)}
	case "outbox":
		return map[string]any{"channel": "push", "target": w.sub.Id, "state": "pending", "payload": map[string]any{"type": "alert.created", "title": "x"}}
	case "jobs":
		return map[string]any{"name": "job-" + core.GenerateDefaultRandomId(), "schedule": "0 0 * * * *"}
	case "federation_inbox":
		return map[string]any{"envelope_id": core.GenerateDefaultRandomId(), "type": "alert.created", "alert": "x", "origin": "fresno", "envelope": "{}", "signature": "s", "receipt": "r"}
	case "federation_nonces":
		return map[string]any{"key_id": "fresno:k", "nonce": core.GenerateDefaultRandomId()}
	case "federation_rosters":
		w.phones++
		return map[string]any{"version": 1000 + w.phones, "roster": "{}"}
	case "federation_peers":
		w.phones++
		return map[string]any{"code": "peer-" + strings.Map(func(r rune) rune { return 'a' + (r-'0')%26 }, fmt.Sprint(w.phones)) + "x"}
	case "federation_seq":
		return map[string]any{"alert": core.GenerateDefaultRandomId(), "seq": 1}
	case core.CollectionNameSuperusers:
		return map[string]any{"email": "new-" + core.GenerateDefaultRandomId() + "@consulado.example", "password": "contraseña-larga-1",
			"passwordConfirm": "contraseña-larga-1", "role": "adviser"}
	}
	panic("no body for " + collection)
}

func jsonBody(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

func verdict(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "refused"
}

// check fails the test when what happened is not what the rules say; an unexpected allow
// is the failure this test exists for.
func check(t *testing.T, what string, want, got bool, status int, body string) {
	t.Helper()
	if want != got {
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		t.Errorf("%s: %s, want %s (HTTP %d %s)", what, verdict(got), verdict(want), status, body)
	}
}

func ok(status int) bool { return status >= 200 && status < 300 }

// TestRecordsAPIAccess is every collection × every caller × list, view, create, update and
// delete through PocketBase's records API, and the file route.
func TestRecordsAPIAccess(t *testing.T) {
	t.Parallel()
	for _, caller := range callers {
		t.Run(caller, func(t *testing.T) {
			w := newWorld(t)
			names := make([]string, 0, len(collections))
			for name := range collections {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				r := collections[name]
				base := "/api/collections/" + name + "/records"
				target := w.existing(name)

				status, body := w.request(caller, http.MethodGet, base+"?perPage=500", "")
				check(t, caller+" lists "+name, slices.Contains(r.list, caller), ok(status) && strings.Contains(body, `"id":"`+target.Id+`"`), status, body)
				if ok(status) && !w.staffAudited(caller, "list", name, target.Id) {
					t.Errorf("%s listed %s without an audit row", caller, name)
				}

				status, body = w.request(caller, http.MethodGet, base+"/"+target.Id, "")
				check(t, caller+" views "+name, slices.Contains(r.view, caller), ok(status), status, body)
				if ok(status) && !w.staffAudited(caller, "view", name, target.Id) {
					t.Errorf("%s viewed %s without an audit row", caller, name)
				}

				status, body = w.request(caller, http.MethodGet, "/api/files/"+name+"/"+target.Id+"/x.png", "")
				check(t, caller+" gets a file of "+name, false, ok(status), status, body)

				status, body = w.request(caller, http.MethodPost, base, jsonBody(createBody(w, name)))
				check(t, caller+" creates in "+name, slices.Contains(r.create, caller), ok(status), status, body)

				for _, op := range []string{http.MethodPatch, http.MethodDelete} {
					fresh, owner := w.fresh(name)
					token := w.tokens[caller]
					if caller == regA && owner != nil {
						token = apptest.Token(w.t, owner)
					}
					want := r.update
					what := caller + " updates " + name
					if op == http.MethodDelete {
						want, what = r.delete, caller+" deletes "+name
					}
					status, body = w.requestAs(caller, token, op, base+"/"+fresh.Id, "{}")
					check(t, what, slices.Contains(want, caller), ok(status), status, body)
				}
			}
		})
	}
}

// TestOtherAPIAccess is the rest of PocketBase's API: backups, settings, logs, schema,
// impersonation and crons are IT's; impersonation is nobody's, since it would show IT a
// person's sealed fields.
func TestOtherAPIAccess(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		method, path, body string
		who                []string
	}{
		{http.MethodGet, "/api/backups", "", []string{it}},
		{http.MethodPost, "/api/backups", `{}`, []string{it}},
		// The admin UI reads its name on every load: advisers and consuls are answered that
		// only (hooks/staff TestUISettings).
		{http.MethodGet, "/api/settings", "", staffRoles},
		{http.MethodPatch, "/api/settings", `{"meta":{"appName":"x"}}`, []string{it}},
		{http.MethodGet, "/api/logs", "", []string{it}},
		{http.MethodGet, "/api/logs/stats", "", []string{it}},
		{http.MethodGet, "/api/crons", "", []string{it}},
		{http.MethodGet, "/api/collections", "", staffRoles},
		{http.MethodGet, "/api/collections/alerts", "", staffRoles},
		// The schema is the migrations': nobody changes it through the API.
		{http.MethodPost, "/api/collections", `{"name":"extra","type":"base"}`, nobody},
		{http.MethodPost, "/api/collections", `{"name":"people","type":"view","listRule":"","viewQuery":"SELECT id, phone FROM registrants"}`, nobody},
		{http.MethodPost, "/api/collections/meta/dry-run-view", `{"query":"SELECT id, cancel_pin_hash FROM registrants"}`, nobody},
		{http.MethodPatch, "/api/collections/audit_log", `{"name":"audit_old"}`, nobody},
		{http.MethodPatch, "/api/collections/registrants", `{"listRule":""}`, nobody},
		{http.MethodPatch, "/api/collections/alerts", `{"fields":[{"name":"extra","type":"text"}]}`, nobody},
		{http.MethodPut, "/api/collections/import", `{"collections":[{"name":"only","type":"base"}],"deleteMissing":true}`, nobody},
		{http.MethodDelete, "/api/collections/alerts/truncate", "", nobody},
		{http.MethodDelete, "/api/collections/audit_log", "", nobody},
		{http.MethodDelete, "/api/collections/federation_rosters", "", nobody},
		// The admin UI refreshes its session on every load, whatever the role.
		{http.MethodPost, "/api/collections/_superusers/auth-refresh", "", staffRoles},
		{http.MethodPost, "/api/collections/registrants/impersonate/" + w.a.Id, `{}`, nobody},
		{http.MethodPost, "/api/files/token", "", plus([]string{regA, regB}, staffRoles)},
	}
	for _, c := range cases {
		for _, caller := range callers {
			status, body := w.request(caller, c.method, c.path, c.body)
			check(t, caller+" "+c.method+" "+c.path, slices.Contains(c.who, caller), ok(status), status, body)
		}
	}
	// A backup made by IT is downloadable with IT's file token only.
	status, body := w.request(it, http.MethodGet, "/api/backups", "")
	var list []struct{ Key string }
	json.Unmarshal([]byte(body), &list)
	if status != 200 || len(list) == 0 {
		t.Fatalf("no backup to download: %d %s", status, body)
	}
	for _, caller := range callers {
		fileToken := ""
		if rec, err := w.app.FindAuthRecordByToken(w.tokens[caller], core.TokenTypeAuth); err == nil {
			fileToken, _ = rec.NewFileToken()
		}
		status, body := w.request(caller, http.MethodGet, "/api/backups/"+list[0].Key+"?token="+fileToken, "")
		check(t, caller+" downloads a backup", caller == it, ok(status), status, body)
	}
}

// TestRealtimeAccess subscribes every caller to every collection and checks who hears of
// A's records being written.
func TestRealtimeAccess(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	topics := []string{"registrants", "contacts", "alerts", "alert_events", "checkins", "push_subscriptions", "audit_log", "outbox"}
	listeners, own := map[string]*apptest.Listener{}, map[string]*apptest.Listener{}
	for _, caller := range callers {
		listeners[caller] = w.listen(caller, topics...)
		own[caller] = w.listen(caller, "registrants/"+w.a.Id, "contacts/"+w.contact.Id, "checkins/"+w.checkin.Id)
	}
	// A writes to every collection a realtime message could come from.
	w.a.Set("name", "Ana Cambiada")
	w.save(w.a)
	w.contact.Set("name", "Rosa Cambiada")
	w.save(w.contact)
	w.checkin.Set("place", "otra oficina")
	w.save(w.checkin)
	alert := w.raise(w.a) // the alert, its event and its outbox rows
	sub := w.newSub(w.a, "http://127.0.0.1/push/realtime")
	events, _ := w.app.FindRecordsByFilter("alert_events", "alert = {:a}", "", 1, 0, map[string]any{"a": alert.Id})
	outbox, _ := w.app.FindRecordsByFilter("outbox", "alert = {:a}", "", 1, 0, map[string]any{"a": alert.GetString("uid")})
	audit, _ := w.app.FindRecordsByFilter("audit_log", "", "-seq", 1, 0)
	written := map[string]string{
		"registrants": w.a.Id, "contacts": w.contact.Id, "checkins": w.checkin.Id, "alerts": alert.Id,
		"push_subscriptions": sub.Id,
	}
	if len(events) > 0 {
		written["alert_events"] = events[0].Id
	}
	if len(outbox) > 0 {
		written["outbox"] = outbox[0].Id
	}
	if len(audit) > 0 {
		written["audit_log"] = audit[0].Id
	}
	// Who may hear: on a collection's topic, those who may list it; on one record's
	// topic, those who may view it.
	time.Sleep(1500 * time.Millisecond)
	for _, caller := range callers {
		for collection, id := range written {
			want := slices.Contains(collections[collection].list, caller)
			check(t, caller+" hears of "+collection, want, saw(listeners[caller], id), 0, "")
			if saw(listeners[caller], id) && !w.staffAudited(caller, "realtime", collection, id) {
				t.Errorf("%s heard of %s without an audit row", caller, collection)
			}
		}
		for _, r := range []*core.Record{w.a, w.contact, w.checkin} {
			name := r.Collection().Name
			want := slices.Contains(collections[name].view, caller)
			check(t, caller+" hears of "+name+"/"+r.Id, want, saw(own[caller], r.Id), 0, "")
		}
	}
}

type route struct {
	name         string
	method, path string
	body         string
	who          []string
	// authorized tells from the answer that the caller was let in; by default a 2xx.
	authorized func(status int) bool
}

// passedAuth is an answer past authentication and authorization: not 401, 403 or 404.
func passedAuth(status int) bool { return status != 401 && status != 403 && status != 404 }

// TestCustomRoutesAccess is every route under /api/alertbutton/ and /api/federation/ ×
// every caller. Requests that change something act on a record made for that caller.
func TestCustomRoutesAccess(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	registrants := []string{regA, regB}
	for _, caller := range callers {
		familyToken := w.tokens[caller]
		if caller != rel {
			familyToken = "x" + strings.ReplaceAll(familyToken, ".", "")
		}
		subJSON := func(tag string) string {
			return jsonBody(map[string]any{"endpoint": "http://127.0.0.1/push/" + tag + "-" + core.GenerateDefaultRandomId(),
				"keys": map[string]string{"p256dh": subKey, "auth": subAuth}})
		}
		alertA := w.raise(w.a)
		contactA, _ := w.newContact(w.a)
		subA := w.newSub(w.a, "http://127.0.0.1/push/owned-"+core.GenerateDefaultRandomId())
		relSub := func() *core.Record {
			sub := w.newRecord("push_subscriptions")
			sub.Set("endpoint", "http://127.0.0.1/push/rel-"+core.GenerateDefaultRandomId())
			sub.Set("p256dh", subKey)
			sub.Set("auth", subAuth)
			sub.Set("contact", w.contact.Id)
			w.save(sub)
			return sub
		}
		subRel, subRelHeader := relSub(), relSub()
		checkinA := w.newCheckin(w.a)

		routes := []route{
			{name: "info", method: http.MethodGet, path: "/api/alertbutton/info", who: callers},
			{name: "route", method: http.MethodGet, path: "/api/alertbutton/route?zip=90012", who: callers},
			{name: "raise an alert", method: http.MethodPost, path: "/api/alertbutton/alerts", body: `{"kind":"detained"}`, who: registrants},
			{name: "list my alerts", method: http.MethodGet, path: "/api/alertbutton/alerts", who: registrants},
			{name: "read A's alert", method: http.MethodGet, path: "/api/alertbutton/alerts/" + alertA.GetString("uid"), who: []string{regA}},
			{name: "cancel A's alert", method: http.MethodPost, path: "/api/alertbutton/alerts/" + alertA.GetString("uid") + "/cancel",
				body: `{"pin":"` + cancelPIN + `"}`, who: []string{regA}},
			{name: "say A is safe", method: http.MethodPost, path: "/api/alertbutton/alerts/" + w.raise(w.a).GetString("uid") + "/safe",
				body: `{"pin":"` + cancelPIN + `"}`, who: []string{regA}},
			{name: "subscribe to pushes", method: http.MethodPost, path: "/api/alertbutton/push/subscriptions", body: subJSON("own"),
				who: plus(registrants, staffRoles)},
			{name: "remove A's subscription", method: http.MethodDelete, path: "/api/alertbutton/push/subscriptions",
				body: jsonBody(map[string]string{"endpoint": subA.GetString("endpoint")}), who: []string{regA}},
			{name: "issue a family link for A's relative", method: http.MethodPost, path: "/api/alertbutton/contacts/" + contactA.Id + "/family-link", who: []string{regA}},
			{name: "open the family page", method: http.MethodGet, path: "/api/alertbutton/family/" + familyToken, who: []string{rel}},
			{name: "subscribe as the relative", method: http.MethodPost, path: "/api/alertbutton/family/" + familyToken + "/subscriptions",
				body: subJSON("rel"), who: []string{rel}},
			{name: "unsubscribe the relative", method: http.MethodDelete, path: "/api/alertbutton/family/" + familyToken + "/subscriptions",
				body: jsonBody(map[string]string{"endpoint": subRel.GetString("endpoint")}), who: []string{rel}},
			{name: "report A detained", method: http.MethodPost, path: "/api/alertbutton/family/" + familyToken + "/alerts", body: `{"kind":"detained"}`, who: []string{rel}},
			// The same with the token in family.Header, which only the relative sends.
			{name: "open the family page, token in the header", method: http.MethodGet, path: family.Path, who: []string{rel}},
			{name: "subscribe as the relative, token in the header", method: http.MethodPost, path: family.Path + "/subscriptions",
				body: subJSON("rel-header"), who: []string{rel}},
			{name: "unsubscribe the relative, token in the header", method: http.MethodDelete, path: family.Path + "/subscriptions",
				body: jsonBody(map[string]string{"endpoint": subRelHeader.GetString("endpoint")}), who: []string{rel}},
			{name: "report A detained, token in the header", method: http.MethodPost, path: family.Path + "/alerts", body: `{"kind":"detained"}`, who: []string{rel}},
			{name: "disarm A's check-in", method: http.MethodPost, path: "/api/alertbutton/checkins/" + checkinA.Id + "/done", who: []string{regA}},
			{name: "verify the audit log", method: http.MethodGet, path: "/api/alertbutton/audit/verify", who: staffRoles},
			{name: "read a county's locator map", method: http.MethodGet, path: "/api/alertbutton/counties/06037/map", who: staffRoles},
			{name: "deliver to the federation inbox", method: http.MethodPost, path: "/api/federation/v1/inbox", body: `{"v":1}`,
				who: []string{peer}, authorized: func(s int) bool { return s != 401 && s != 403 }},
			{name: "read federation health", method: http.MethodGet, path: "/api/federation/v1/health", who: staffRoles},
			{name: "fetch the federation roster now", method: http.MethodPost, path: "/api/federation/v1/roster/fetch", who: staffRoles, authorized: passedAuth},
			{name: "read who escalation reached", method: http.MethodGet, path: "/api/alertbutton/health", who: staffRoles},
			{name: "read the metrics", method: http.MethodGet, path: "/api/alertbutton/metrics", who: []string{it}},
			{name: "ask whether the appliance can take alerts", method: http.MethodGet, path: "/api/alertbutton/ready", who: callers, authorized: passedAuth},
			// Only the SMS provider's signature lets a delivery report in, whoever sends it.
			{name: "report an SMS's delivery", method: http.MethodPost, path: "/api/alertbutton/sms/status", body: "MessageSid=SM1&MessageStatus=delivered", who: nil},
			{name: "send a note to peers", method: http.MethodPost, path: "/api/alertbutton/federation/alerts/" + w.alert.GetString("uid") + "/notes",
				body: `{"note":"x"}`, who: caseStaff, authorized: passedAuth},
			{name: "issue a recovery code", method: http.MethodPost, path: "/api/alertbutton/registrants/" + w.b.Id + "/recovery-code",
				body: `{"verifiedBy":"in_person"}`, who: caseStaff},
			{name: "read who an alert reached", method: http.MethodGet, path: "/api/alertbutton/alerts/" + w.alert.Id + "/deliveries", who: caseStaff},
			{name: "recover an account", method: http.MethodPost, path: "/api/alertbutton/recovery",
				body: `{"phone":"+13105550000","code":"00000000","password":"contraseña-nueva-1","passwordConfirm":"contraseña-nueva-1"}`,
				who:  callers, authorized: passedAuth},
			{name: "read whether PINs are set", method: http.MethodGet, path: "/api/alertbutton/pins", who: registrants},
			{name: "set PINs", method: http.MethodPost, path: "/api/alertbutton/pins", body: `{"currentPin":"` + cancelPIN + `","cancelPin":"1111","duressPin":"2222"}`,
				who: registrants, authorized: passedAuth},
		}
		for _, r := range routes {
			status, body := w.request(caller, r.method, r.path, r.body)
			authorized := ok(status)
			if r.authorized != nil {
				authorized = r.authorized(status)
			}
			check(t, caller+": "+r.name, slices.Contains(r.who, caller), authorized, status, body)
			if status >= 500 {
				t.Errorf("%s: %s answered %d %s", caller, r.name, status, body)
			}
		}
		// PINs last: restore A's, which the other routes use.
		apptest.SetPINs(t, w.app, w.a)
	}
}
