package access_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
)

// A phone query is one request the seized phone (or a relative it set up) can make.
type phoneQuery struct {
	caller, method, path, body string
}

// What differs between two worlds however alike: ids, uids, times, tokens.
var (
	maskTimes  = regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z`)
	maskTokens = regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`)
	maskUIDs   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)
	maskIDs    = regexp.MustCompile(`\b[a-z0-9]{15}\b`)
	maskClient = regexp.MustCompile(`"clientId":"[^"]*"`)
	maskKeys   = regexp.MustCompile(`"(signing_key|seal_key|public_url|key|device)":"[^"]*"`) // each world's own consulate keys; a family page's device stamp (random nonce)
)

func masked(s string) string {
	s = maskTimes.ReplaceAllString(s, "<time>")
	s = maskTokens.ReplaceAllString(s, "<token>")
	s = maskUIDs.ReplaceAllString(s, "<uid>")
	s = maskClient.ReplaceAllString(s, `"clientId":"<client>"`)
	s = maskKeys.ReplaceAllString(s, `"$1":"<key>"`)
	return maskIDs.ReplaceAllString(s, "<id>")
}

// pathsToAlerts are, for each collection the phone might read, the ways a filter, sort or
// expand reaches the alert ("" is the alert itself) and its timeline.
var pathsToAlerts = map[string][]string{
	"alerts":       {"", "@collection.alerts."},
	"alert_events": {"alert.", "@collection.alerts."},
	"checkins":     {"alert.", "registrant.alerts_via_registrant.", "@collection.alerts."},
	"registrants":  {"alerts_via_registrant.", "@collection.alerts."},
	"contacts":     {"registrant.alerts_via_registrant.", "@collection.alerts."},
	"consulates":   {"@collection.alerts."},
	// Closed to the phone, asked all the same.
	"push_subscriptions": {"registrant.alerts_via_registrant.", "@collection.alerts."},
	"outbox":             {"@collection.alerts."},
	"case_notes":         {"alert.", "@collection.alerts."},
	"facilities":         {"alerts_via_facility.", "@collection.alerts."},
}

var pathsToEvents = map[string][]string{
	"alerts":             {"alert_events_via_alert.", "@collection.alert_events."},
	"alert_events":       {"", "alert.alert_events_via_alert."},
	"checkins":           {"alert.alert_events_via_alert.", "registrant.alerts_via_registrant.alert_events_via_alert."},
	"registrants":        {"alerts_via_registrant.alert_events_via_alert."},
	"contacts":           {"registrant.alerts_via_registrant.alert_events_via_alert.", "@collection.alert_events."},
	"consulates":         {"@collection.alert_events."},
	"push_subscriptions": {"registrant.alerts_via_registrant.alert_events_via_alert."},
	"outbox":             {"@collection.alert_events."},
	"case_notes":         {"alert.alert_events_via_alert.", "@collection.alert_events."},
	"facilities":         {"@collection.alert_events."},
}

// What a real cancel and a duress one, then the advisers' work, change on the alert and its
// timeline; a filter on any of them answers differently unless it is refused.
var (
	alertPredicates = []string{
		`%sduress = true`, `%sduress = false`, `%sstatus = "cancelled"`, `%sstatus ?= "new"`, `%sstatus = "acknowledged"`,
		`%sstatus:each = "cancelled"`, `%sassigned_to != ""`, `%sfacility != ""`, `%splace != ""`, `%scase_notes_via_alert.id != ""`,
		`%supdated > %sclosed_at`, `%sacknowledged_at != ""`, `%sescalation_level > 0`, `%sstatus:lower = "new"`,
	}
	eventPredicates = []string{
		`%stype = "duress"`, `%stype != "duress"`, `%stype ?= "duress"`, `%stype:each != "duress"`, `%sstaff_only = true`,
		`%stype = "status"`, `%stype = "assigned"`, `%sid:length > 2`,
	}
)

// phoneQueries generates the records API queries, custom routes and realtime options the
// phone can send about alert (the cancelled one).
func phoneQueries(w *world, alert string) (reqs []phoneQuery, topics []string) {
	ids := map[string]string{
		"alerts": alert, "alert_events": w.event.Id, "checkins": w.checkin.Id, "registrants": w.a.Id,
		"contacts": w.contact.Id, "consulates": "", "push_subscriptions": w.sub.Id, "outbox": "",
		"case_notes": "", "facilities": "",
	}
	var names []string
	for name := range pathsToAlerts {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		var filters, sorts, expands []string
		for _, p := range pathsToAlerts[name] {
			for _, pred := range alertPredicates {
				filters = append(filters, strings.ReplaceAll(pred, "%s", p))
			}
			sorts = append(sorts, p+"status", "-"+p+"updated", p+"duress")
			if p != "" && !strings.HasPrefix(p, "@") {
				expands = append(expands, strings.TrimSuffix(p, "."))
			}
		}
		for _, p := range pathsToEvents[name] {
			for _, pred := range eventPredicates {
				filters = append(filters, strings.ReplaceAll(pred, "%s", p))
			}
			sorts = append(sorts, p+"type", "-"+p+"created")
			if p != "" && !strings.HasPrefix(p, "@") {
				expands = append(expands, strings.TrimSuffix(p, "."))
			}
		}
		if strings.HasSuffix(pathsToEvents[name][0], "_via_alert.") {
			via := strings.TrimSuffix(pathsToEvents[name][0], ".")
			filters = append(filters, via+`:length > 2`, via+`:length = 2`)
		}
		if name == "alerts" {
			// The probe that was found: the alert's id and a back-relation the events' rule does not guard.
			filters = append(filters, `id = "`+alert+`" && alert_events_via_alert.type != "duress"`)
		}
		base := "/api/collections/" + name + "/records"
		reqs = append(reqs, phoneQuery{regA, http.MethodGet, base, ""})
		for _, f := range filters {
			reqs = append(reqs, phoneQuery{regA, http.MethodGet, base + "?filter=" + url.QueryEscape(f), ""})
			topics = append(topics, name+"?options="+url.QueryEscape(jsonBody(map[string]any{"query": map[string]string{"filter": f}})))
		}
		for _, s := range sorts {
			reqs = append(reqs, phoneQuery{regA, http.MethodGet, base + "?sort=" + url.QueryEscape(s), ""})
		}
		for _, e := range expands {
			fields := "*,expand." + e + ".status,expand." + e + ".type"
			reqs = append(reqs,
				phoneQuery{regA, http.MethodGet, base + "?expand=" + url.QueryEscape(e), ""},
				phoneQuery{regA, http.MethodGet, base + "?expand=" + url.QueryEscape(e) + "&fields=" + url.QueryEscape(fields), ""})
			topics = append(topics, name+"?options="+url.QueryEscape(jsonBody(map[string]any{"query": map[string]string{"expand": e}})))
			if id := ids[name]; id != "" {
				reqs = append(reqs, phoneQuery{regA, http.MethodGet, base + "/" + id + "?expand=" + url.QueryEscape(e), ""})
				topics = append(topics, name+"/"+id+"?options="+url.QueryEscape(jsonBody(map[string]any{"query": map[string]string{"expand": e}})))
			}
		}
		if id := ids[name]; id != "" {
			reqs = append(reqs, phoneQuery{regA, http.MethodGet, base + "/" + id, ""},
				phoneQuery{regA, http.MethodGet, base + "/" + id + "?fields=*,status,duress,alert", ""})
			topics = append(topics, name+"/"+id)
		}
		topics = append(topics, name)
	}
	uid := w.uidOf(alert)
	reqs = append(reqs,
		phoneQuery{regA, http.MethodPost, "/api/collections/registrants/auth-refresh?expand=alerts_via_registrant", ""},
		phoneQuery{regA, http.MethodPost, "/api/collections/registrants/auth-refresh?expand=" + url.QueryEscape("alerts_via_registrant.alert_events_via_alert"), ""},
		phoneQuery{regA, http.MethodGet, "/api/alertbutton/alerts", ""},
		phoneQuery{regA, http.MethodGet, "/api/alertbutton/alerts/" + uid, ""},
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/alerts/" + uid + "/cancel", `{"pin":"` + cancelPIN + `"}`},
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/alerts/" + uid + "/safe", `{"pin":"` + cancelPIN + `"}`},
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/alerts/" + uid + "/cancel", `{"pin":"` + duressPIN + `"}`},
		phoneQuery{regA, http.MethodGet, "/api/alertbutton/alerts/" + uid, ""},
		phoneQuery{rel, http.MethodGet, "/api/alertbutton/family/" + w.familyToken, ""},
	)
	// A new press and a relative's report, each twice (the retry answers the stored alert),
	// both with the closed alert's uid, and a PIN change with the PIN the phone was given: nothing in their answers tells
	// whether the first case is still open.
	press := `{"uid":"0192d4a8-7c5e-7abc-8def-0123456789c1","kind":"detained","lat":34.05,"lon":-118.24}`
	report := `{"uid":"0192d4a8-7c5e-7abc-8def-0123456789c2","kind":"detained","place":"Adelanto"}`
	reqs = append(reqs,
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/alerts", press},
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/alerts", press},
		phoneQuery{rel, http.MethodPost, "/api/alertbutton/family/alerts", report},
		phoneQuery{rel, http.MethodPost, "/api/alertbutton/family/alerts", report},
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/alerts", `{"uid":"` + uid + `","kind":"detained","lat":34.05,"lon":-118.24}`},
		phoneQuery{rel, http.MethodPost, "/api/alertbutton/family/alerts", `{"uid":"` + uid + `","kind":"detained"}`},
		phoneQuery{regA, http.MethodGet, "/api/alertbutton/pins", ""},
		phoneQuery{regA, http.MethodPost, "/api/alertbutton/pins", `{"currentPin":"` + duressPIN + `","cancelPin":"1111","duressPin":"2222"}`},
		phoneQuery{regA, http.MethodGet, "/api/alertbutton/alerts", ""},
	)
	return reqs, topics
}

func (w *world) uidOf(alertID string) string {
	a, err := w.app.FindRecordById("alerts", alertID)
	if err != nil {
		w.t.Fatal(err)
	}
	return a.GetString("uid")
}

// closedWorld is a world whose alert A cancelled with pin; under duress, the advisers then
// work it. The phone listens on every topic first.
type closedWorld struct {
	*world
	listeners []*apptest.Listener
	refused   []string // realtime subscriptions refused, with the answer
	topics    []string
}

func newClosedWorld(t *testing.T, pin string) *closedWorld {
	w := &closedWorld{world: newWorld(t)}
	// The check-in fired into the alert, so that its relation leads there too.
	w.checkin.Set("alert", w.alert.Id)
	w.save(w.checkin)
	// The relative's device, there since before the alert: a real cancel tells it, a duress
	// one does not, and the phone's "told" must not show that.
	relSub := apptest.Subscription(t, w.app, "contact", w.contact.Id, "es")
	if _, err := w.app.DB().Update("push_subscriptions", dbx.Params{"created": "2000-01-01 00:00:00.000Z"}, dbx.HashExp{"id": relSub.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	_, w.topics = phoneQueries(w.world, w.alert.Id)
	for _, topic := range w.topics {
		l, status, body := w.tryListen(regA, topic)
		w.listeners = append(w.listeners, l)
		if status != http.StatusNoContent {
			plain, _ := url.QueryUnescape(topic)
			w.refused = append(w.refused, masked(plain+" "+body))
		}
	}
	uid := w.uidOf(w.alert.Id)
	if status, body := w.request(regA, http.MethodPost, "/api/alertbutton/alerts/"+uid+"/cancel", `{"pin":"`+pin+`"}`); status != 200 {
		t.Fatalf("cancel with %s: %d %s", pin, status, body)
	}
	facility := apptest.Facility(t, w.app, "Centro X", nil)
	if pin == duressPIN {
		for _, patch := range []string{
			`{"status":"acknowledged"}`,
			`{"assigned_to":"` + w.adviser.Id + `","facility":"` + facility.Id + `","a_number":"A123456789"}`,
			`{"status":"in_progress"}`,
			`{"kind":"raid","place":"Adelanto","target_consulate":"san-bernardino"}`,
		} {
			if status, body := w.request(adviser, http.MethodPatch, "/api/collections/alerts/records/"+w.alert.Id, patch); status != 200 {
				t.Fatalf("adviser: %d %s", status, body)
			}
		}
		note := `{"alert":"` + w.alert.Id + `","body":"llamó la esposa"}`
		if status, body := w.request(adviser, http.MethodPost, "/api/collections/case_notes/records", note); status != 200 {
			t.Fatalf("adviser's note: %d %s", status, body)
		}
	}
	// Every notice queued so far reaches its device, in both worlds: the relative got the
	// real cancel's notice; nothing under duress.
	w.deliverAll()
	// What the phone may hear of: its relative and check-in change alike in both worlds.
	w.contact.Set("name", "Rosa María")
	w.save(w.contact)
	w.checkin.Set("place", "otra oficina")
	w.save(w.checkin)
	return w
}

// deliverAll marks every pending outbox row delivered, as its channel would on success.
func (w *closedWorld) deliverAll() {
	w.t.Helper()
	rows, err := w.app.FindAllRecords("outbox", dbx.HashExp{"state": "pending"})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, row := range rows {
		outbox.Sent(row, time.Now())
		w.save(row)
	}
}

// heard is what each listener heard, masked, once the control listeners (own contact and
// check-in, always allowed) heard the last writes.
func (w *closedWorld) heard(t *testing.T) []string {
	control := w.listen(regA, "contacts")
	w.contact.Set("relationship", "esposa")
	w.save(w.contact)
	deadline := time.Now().Add(5 * time.Second)
	for !saw(control, w.contact.Id) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the other clients' goroutines read the same broadcast
	out := make([]string, len(w.listeners))
	for i, l := range w.listeners {
		out[i] = masked(strings.Join(l.Heard(), "\n"))
	}
	return out
}

// TestNoQueryTellsDuressFromCancel is the differential test of issue 14: every query the
// seized phone can make (records API filters, sorts, expands and fields over every relation
// and back-relation that reaches an alert, custom routes, realtime with options) answers the
// same for an alert cancelled with the cancel PIN and one cancelled with the duress PIN and
// then worked by the advisers.
func TestNoQueryTellsDuressFromCancel(t *testing.T) {
	t.Parallel()
	real, forced := newClosedWorld(t, cancelPIN), newClosedWorld(t, duressPIN)
	realQs, _ := phoneQueries(real.world, real.alert.Id)
	forcedQs, _ := phoneQueries(forced.world, forced.alert.Id)
	if len(realQs) != len(forcedQs) || len(realQs) < 300 {
		t.Fatalf("%d and %d queries", len(realQs), len(forcedQs))
	}
	differ := 0
	for i := range realQs {
		rs, rb := real.request(realQs[i].caller, realQs[i].method, realQs[i].path, realQs[i].body)
		fs, fb := forced.request(forcedQs[i].caller, forcedQs[i].method, forcedQs[i].path, forcedQs[i].body)
		if rs != fs || masked(rb) != masked(fb) {
			differ++
			t.Errorf("%s %s tells them apart:\ncancel PIN %d %s\nduress PIN %d %s", realQs[i].method, masked(realQs[i].path),
				rs, shorten(masked(rb)), fs, shorten(masked(fb)))
		}
	}
	if a, b := strings.Join(real.refused, "\n"), strings.Join(forced.refused, "\n"); a != b {
		t.Errorf("realtime subscriptions refused differently:\ncancel PIN %s\nduress PIN %s", a, b)
	}
	realHeard, forcedHeard := real.heard(t), forced.heard(t)
	for i := range realHeard {
		if realHeard[i] != forcedHeard[i] {
			t.Errorf("realtime %s tells them apart:\ncancel PIN %s\nduress PIN %s", masked(real.topics[i]),
				shorten(realHeard[i]), shorten(forcedHeard[i]))
		}
	}
	// The phone's view says who was told, the relative included: the comparison covers it.
	_, view := real.request(regA, http.MethodGet, "/api/alertbutton/alerts/"+real.uidOf(real.alert.Id), "")
	if !strings.Contains(view, `"told":[{`) || !strings.Contains(view, `"kind":"contact"`) {
		t.Errorf("the closed alert's view tells nothing of who was told: %s", shorten(view))
	}
	t.Logf("%d queries, %d realtime subscriptions (%d refused), %d told them apart",
		len(realQs), len(real.topics), len(real.refused), differ)
}

// tryListen is listen that reports a refused subscription instead of failing.
func (w *world) tryListen(caller string, topics ...string) (*apptest.Listener, int, string) {
	w.t.Helper()
	l, clientID := apptest.Connect(w.t, w.srv)
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	status, out := w.request(caller, http.MethodPost, "/api/realtime", string(body))
	return l, status, out
}
