package access_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"alertbutton/hooks/family"
)

// badInput is one malformed request.
type badInput struct {
	name        string
	contentType string // default application/json
	body        string
}

var (
	huge = `{"kind":"detained","note":"` + strings.Repeat("A", 1<<20) + `"}`
	// generic are wrong whatever the route expects.
	generic = []badInput{
		{name: "malformed JSON", body: `{"kind":"detained",`},
		{name: "truncated JSON", body: `{"kind`},
		{name: "a JSON array", body: `[{"kind":"detained"}]`},
		{name: "a JSON string", body: `"detained"`},
		{name: "a JSON number", body: `42`},
		{name: "a huge body", body: huge},
		{name: "form-encoded", contentType: "application/x-www-form-urlencoded", body: "kind=detained&pin=1234&endpoint=x"},
		{name: "XML", contentType: "application/xml", body: `<alert><kind>detained</kind></alert>`},
		{name: "invalid UTF-8", body: "\xff\xfe{\"kind\":\"\xc3\x28\"}"},
	}
)

// inputs are generic plus a route's own wrong types, unknown fields and injections.
func inputs(own ...badInput) []badInput { return append(append([]badInput{}, generic...), own...) }

// TestBadInputIsRefusedPlainly sends every route malformed JSON, wrong types, huge bodies,
// wrong content types, unknown fields, SQL and filter injections and invalid UTF-8. Each
// answer is a 4xx with a message a person can read, never a 5xx, and no collection gains
// or loses a row.
func TestBadInputIsRefusedPlainly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	alertUID := w.alert.GetString("uid")
	family := "/api/alertbutton/family/" + w.familyToken
	familyHeader := "/api/alertbutton/family" // the relative sends the token in its header
	report := inputs(
		badInput{name: "wrong types", body: `{"kind":["detained"],"place":42,"note":false}`},
		badInput{name: "SQL injection", body: `{"kind":"detained'); DELETE FROM alerts; --"}`},
		badInput{name: "invalid UTF-8 in free text", body: "{\"place\":\"Adelanto \xc3\x28\"}"},
		badInput{name: "invalid UTF-8 in a value", body: "{\"kind\":\"\xffdetained\"}"},
	)
	subscribe := inputs(
		badInput{name: "wrong types", body: `{"endpoint":{},"keys":[]}`},
		badInput{name: "unknown fields only", body: `{"contact":"x"}`},
	)
	unsubscribe := inputs(badInput{name: "wrong types", body: `{"endpoint":7}`})
	sqlUID := url.PathEscape("' OR 1=1; DROP TABLE alerts; --")
	filterID := url.PathEscape(`x" || registrant != "`)
	badUTF8 := url.PathEscape("\xff\xfe\xfd")
	longID := strings.Repeat("a", 5000)

	cases := []struct {
		caller, method, path string
		inputs               []badInput
	}{
		{regA, http.MethodPost, "/api/alertbutton/alerts", inputs(
			badInput{name: "wrong types", body: `{"kind":1,"lat":"34","lon":[],"zip":90012,"note":{},"uid":true}`},
			badInput{name: "unknown fields only", body: `{"status":"resolved","duress":true,"registrant":"someone","target_consulate":"fresno"}`},
			badInput{name: "SQL injection", body: `{"kind":"detained' OR '1'='1","uid":"'; DROP TABLE alerts; --"}`},
			badInput{name: "filter injection", body: `{"kind":"detained","zip":"' || registrant != '","uid":"x\" || 1=1 || \""}`},
			badInput{name: "invalid UTF-8 in a value", body: "{\"kind\":\"detained\xff\"}"},
			badInput{name: "invalid UTF-8 in free text", body: "{\"kind\":\"detained\",\"note\":\"nota \xff\xfe\"}"},
			badInput{name: "NaN and Infinity as strings", body: `{"kind":"detained","lat":"NaN","lon":"Infinity"}`},
			badInput{name: "out-of-range numbers", body: `{"kind":"detained","lat":1e400,"lon":-1e400}`},
		)},
		{regA, http.MethodPost, "/api/alertbutton/alerts/" + alertUID + "/cancel", inputs(
			badInput{name: "wrong types", body: `{"pin":1234}`},
			badInput{name: "unknown fields only", body: `{"duress":false,"status":"cancelled"}`},
			badInput{name: "SQL injection", body: `{"pin":"1' OR '1'='1"}`},
			badInput{name: "invalid UTF-8 in a value", body: "{\"pin\":\"12\xff4\"}"},
		)},
		{regA, http.MethodPost, "/api/alertbutton/alerts/" + sqlUID + "/cancel", []badInput{{name: "SQL injection in the uid", body: `{"pin":"2468"}`}}},
		{regA, http.MethodPost, "/api/alertbutton/alerts/" + filterID + "/safe", []badInput{{name: "filter injection in the uid"}}},
		{regA, http.MethodPost, "/api/alertbutton/alerts/" + badUTF8 + "/safe", []badInput{{name: "invalid UTF-8 in the uid"}}},
		{regA, http.MethodPost, "/api/alertbutton/alerts/" + longID + "/safe", []badInput{{name: "a 5000-character uid"}}},
		{regA, http.MethodPost, "/api/alertbutton/pins", inputs(
			badInput{name: "wrong types", body: `{"cancelPin":1234,"duressPin":["9876"]}`},
			badInput{name: "unknown fields only", body: `{"cancel_pin_hash":"$2a$04$x","duress_pin_hash":"x"}`},
			badInput{name: "SQL injection", body: `{"cancelPin":"1' OR '1","duressPin":"'; --"}`},
			badInput{name: "invalid UTF-8 in a value", body: "{\"cancelPin\":\"12\xff4\",\"duressPin\":\"9876\"}"},
		)},
		{anon, http.MethodPost, "/api/alertbutton/recovery", inputs(
			badInput{name: "wrong types", body: `{"phone":13105550199,"code":12345678,"password":true,"passwordConfirm":[]}`},
			badInput{name: "unknown fields only", body: `{"registrant":"someone","tokenKey":"x"}`},
			badInput{name: "SQL injection", body: `{"phone":"' OR 1=1 --","code":"' OR '1'='1","password":"contraseña-nueva-1","passwordConfirm":"contraseña-nueva-1"}`},
			badInput{name: "invalid UTF-8 in a value", body: "{\"phone\":\"+1310\xff\",\"code\":\"1\",\"password\":\"contraseña-nueva-1\",\"passwordConfirm\":\"contraseña-nueva-1\"}"},
		)},
		{adviser, http.MethodPost, "/api/alertbutton/registrants/" + w.a.Id + "/recovery-code", inputs(
			badInput{name: "wrong types", body: `{"verifiedBy":1}`},
			badInput{name: "unknown fields only", body: `{"code":"12345678"}`},
			badInput{name: "SQL injection", body: `{"verifiedBy":"in_person' OR '1'='1"}`},
		)},
		{adviser, http.MethodPost, "/api/alertbutton/registrants/" + sqlUID + "/recovery-code", []badInput{{name: "SQL injection in the id", body: `{"verifiedBy":"phone"}`}}},
		{regA, http.MethodPost, "/api/alertbutton/push/subscriptions", inputs(
			badInput{name: "wrong types", body: `{"endpoint":1,"keys":"x"}`},
			badInput{name: "unknown fields only", body: `{"registrant":"someone","staff":"x"}`},
			badInput{name: "SQL injection", body: `{"endpoint":"https://fcm.googleapis.com/x' OR 1=1 --","keys":{"p256dh":"'; --","auth":"x"}}`},
			badInput{name: "a host that is not a push service", body: `{"endpoint":"https://evil.example/x","keys":{"p256dh":"` + subKey + `","auth":"` + subAuth + `"}}`},
			badInput{name: "invalid UTF-8 in a value", body: "{\"endpoint\":\"http://127.0.0.1/\xff\",\"keys\":{}}"},
		)},
		{regA, http.MethodDelete, "/api/alertbutton/push/subscriptions", inputs(
			badInput{name: "wrong types", body: `{"endpoint":["x"]}`},
			badInput{name: "unknown fields only", body: `{"id":"x"}`},
			badInput{name: "filter injection", body: `{"endpoint":"x' || endpoint != '"}`},
		)},
		{regA, http.MethodPost, "/api/alertbutton/contacts/" + filterID + "/family-link", []badInput{{name: "filter injection in the id"}}},
		{regA, http.MethodPost, "/api/alertbutton/checkins/" + sqlUID + "/done", []badInput{{name: "SQL injection in the id"}}},
		{adviser, http.MethodGet, "/api/alertbutton/alerts/" + sqlUID + "/deliveries", []badInput{{name: "SQL injection in the alert id"}}},
		{rel, http.MethodGet, "/api/alertbutton/family/" + sqlUID, []badInput{{name: "SQL injection in the token"}}},
		{rel, http.MethodGet, "/api/alertbutton/family/" + badUTF8, []badInput{{name: "invalid UTF-8 in the token"}}},
		{rel, http.MethodPost, "/api/alertbutton/family/" + longID + "/alerts", []badInput{{name: "a 5000-character token", body: `{"kind":"detained"}`}}},
		{rel, http.MethodPost, family + "/alerts", report},
		{rel, http.MethodPost, familyHeader + "/alerts", report},
		{rel, http.MethodPost, family + "/subscriptions", subscribe},
		{rel, http.MethodPost, familyHeader + "/subscriptions", subscribe},
		{rel, http.MethodDelete, family + "/subscriptions", unsubscribe},
		{rel, http.MethodDelete, familyHeader + "/subscriptions", unsubscribe},
		{anon, http.MethodGet, "/api/alertbutton/route?lat=abc&lon=def", []badInput{{name: "words for a point"}}},
		{anon, http.MethodGet, "/api/alertbutton/route?lat=NaN&lon=NaN", []badInput{{name: "NaN"}}},
		{anon, http.MethodGet, "/api/alertbutton/route?zip=" + url.QueryEscape("' OR 1=1 --"), []badInput{{name: "SQL injection in the ZIP"}}},
		{anon, http.MethodGet, "/api/alertbutton/route?zip=" + url.QueryEscape("\xff\xfe\xfd\xfc\xfb"), []badInput{{name: "invalid UTF-8 in the ZIP"}}},
		{anon, http.MethodGet, "/api/alertbutton/route?lat=" + strings.Repeat("9", 5000) + "&lon=1", []badInput{{name: "a 5000-digit latitude"}}},
		{peer, http.MethodPost, "/api/federation/v1/inbox", inputs(
			badInput{name: "an envelope with wrong types", body: `{"v":"1","id":2,"type":[],"alert":{},"origin":1,"destination":true}`},
			badInput{name: "SQL injection", body: `{"v":1,"id":"'; DROP TABLE federation_inbox; --","type":"alert.created","alert":"x","origin":"fresno","destination":"los-angeles"}`},
		)},
		{anon, http.MethodPost, "/api/collections/registrants/records", inputs(
			badInput{name: "wrong types", body: `{"phone":13105550199,"password":true,"name":[],"language":1,"consent":"yes"}`},
			badInput{name: "unknown fields only", body: `{"role":"it","verified":true,"home_consulate":"fresno"}`},
			badInput{name: "SQL injection", body: `{"phone":"+1' OR 1=1 --","password":"contraseña-larga-1","passwordConfirm":"contraseña-larga-1","name":"x'); DROP TABLE registrants; --","language":"es","consent":true}`},
			badInput{name: "invalid UTF-8 in free text", body: "{\"phone\":\"+13105559876\",\"password\":\"contraseña-larga-1\",\"passwordConfirm\":\"contraseña-larga-1\",\"name\":\"Ana \xff\",\"language\":\"es\",\"consent\":true}"},
			badInput{name: "invalid UTF-8 in a value", body: "{\"phone\":\"+1310555\xff\",\"password\":\"contraseña-larga-1\",\"passwordConfirm\":\"contraseña-larga-1\",\"name\":\"A\",\"language\":\"es\",\"consent\":true}"},
		)},
		{regA, http.MethodPost, "/api/collections/contacts/records", inputs(
			badInput{name: "wrong types", body: `{"registrant":1,"name":{}}`},
			badInput{name: "another person's relative", body: `{"registrant":"` + w.b.Id + `","name":"x"}`},
		)},
		{regA, http.MethodPost, "/api/collections/checkins/records", inputs(
			badInput{name: "wrong types", body: `{"registrant":"` + w.a.Id + `","due_at":true}`},
			badInput{name: "a server-owned field", body: `{"registrant":"` + w.a.Id + `","due_at":"2099-01-01 00:00:00Z","status":"fired"}`},
		)},
		{regA, http.MethodPatch, "/api/collections/registrants/records/" + w.a.Id, []badInput{
			generic[0], generic[2], generic[8],
			{name: "a huge name", body: `{"name":"` + strings.Repeat("A", 1<<20) + `"}`},
			{name: "wrong types", body: `{"phone":1,"language":["es"]}`},
			{name: "SQL injection", body: `{"zip":"' OR 1=1 --"}`},
		}},
		{adviser, http.MethodPost, "/api/collections/alerts/records", inputs(
			badInput{name: "wrong types", body: `{"registrant":1,"kind":[],"escalation_level":"high"}`},
			badInput{name: "unknown fields only", body: `{"evil":true}`},
			badInput{name: "filter injection", body: `{"kind":"detained","registrant":"x' || 1=1 || '"}`},
		)},
	}
	before := w.rowCounts()
	for _, c := range cases {
		for _, in := range c.inputs {
			what := c.caller + " " + c.method + " " + shorten(c.path) + " with " + in.name
			status, body := w.requestWith(c.caller, c.method, c.path, in.contentType, in.body)
			if status == closedEarly {
				if after := w.rowCounts(); !equalCounts(before, after) {
					t.Errorf("%s wrote: rows %v, were %v", what, diff(before, after), diff(after, before))
					before = after
				}
				continue
			}
			if status < 400 || status >= 500 {
				t.Errorf("%s: HTTP %d, want a 4xx: %s", what, status, shorten(body))
				continue
			}
			var answer struct {
				Status  int    `json:"status"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(body), &answer); err != nil || strings.TrimSpace(answer.Message) == "" || answer.Status != status {
				t.Errorf("%s: HTTP %d without a message in PocketBase's error shape: %s", what, status, shorten(body))
			}
			if after := w.rowCounts(); !equalCounts(before, after) {
				t.Errorf("%s wrote: rows %v, were %v", what, diff(before, after), diff(after, before))
				before = after
			}
		}
	}
}

// TestFilterInjectionShowsNothingOfOthers: a registrant's list filter cannot reach past the
// collection's rule, however it is written.
func TestFilterInjectionShowsNothingOfOthers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := w.raise(w.b)
	for _, filter := range []string{
		`1=1`, `registrant != ""`, `id != "" || 1=1`, `(registrant = "` + w.b.Id + `")`, `") || ("1"="1`,
		`registrant.phone ~ "+1"`, `duress = true`, `@collection.alerts.registrant != ""`, "\xff\xfe",
	} {
		status, body := w.request(regA, http.MethodGet, "/api/collections/alerts/records?filter="+url.QueryEscape(filter), "")
		if status >= 500 || strings.Contains(body, other.Id) {
			t.Errorf("filter %q: HTTP %d %s", filter, status, shorten(body))
		}
	}
}

func (w *world) requestWith(caller, method, path, contentType, body string) (int, string) {
	w.t.Helper()
	if contentType == "" {
		return w.request(caller, method, path, body)
	}
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Close = true // one connection per request: a refused huge body ends its connection
	if tok := w.tokens[caller]; tok != "" {
		req.Header.Set("Authorization", tok)
	}
	if caller == rel {
		req.Header.Set(family.Header, w.tokens[rel])
	}
	if caller == peer {
		w.sign(req, body, w.peerKey)
	}
	res, err := w.srv.Client().Do(req)
	if err != nil && len(body) > hugeBody {
		return closedEarly, err.Error()
	}
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var raw strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		raw.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, raw.String()
}

// rowCounts counts the rows of every collection.
func (w *world) rowCounts() map[string]int64 {
	w.t.Helper()
	cs, err := w.app.FindAllCollections()
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range cs {
		if c.IsView() {
			continue
		}
		n, err := w.app.CountRecords(c)
		if err != nil {
			w.t.Fatal(err)
		}
		out[c.Name] = n
	}
	return out
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func diff(a, b map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range a {
		if b[k] != v {
			out[k] = v
		}
	}
	return out
}

func shorten(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
