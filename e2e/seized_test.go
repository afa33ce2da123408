package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/push/pushtest"
)

// TestSeizedPhone plays issue 14's seized phone against the built binary: a person presses the
// button and, forced to, cancels with the duress PIN; whoever holds the phone then tries every
// trick with its token and what anyone can do anonymously. A control person who cancelled with
// the real PIN answers every read the same way; the phone undoes nothing, and the advisers keep
// the case whole.
func TestSeizedPhone(t *testing.T) {
	svc := pushtest.Start(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := makeIT(t, dir)
	a := start(t, dir, "los-angeles", "--push-hosts", svc.Host())
	base := a.URL
	it := staffToken(t, base, itEmail, itPassword)
	mustCall(t, http.DefaultClient, 200, "POST", base+"/api/collections/_superusers/records", it, map[string]any{
		"email": "asesora@consulado.example", "password": "una-frase-larga-de-asesora", "passwordConfirm": "una-frase-larga-de-asesora",
		"role": "adviser", "on_duty": true,
	})
	adviser := staffToken(t, base, "asesora@consulado.example", "una-frase-larga-de-asesora")

	vapid := vapidKey(t, base)
	people := registerPeople(t, base, 2, svc, vapid)
	phone, control := people[0], people[1] // phone: duress; control: the real cancel PIN
	const cancelPIN, duressPIN = "1234", "9876"
	for _, p := range people {
		mustCall(t, p.client(), 204, "POST", base+"/api/alertbutton/pins", p.token,
			map[string]string{"currentPin": "", "cancelPin": cancelPIN, "duressPin": duressPIN})
	}

	// Both press at the same place; the phone cancels with the duress PIN, the control with the real one.
	press := func(p *person) (id, uid string) {
		var out struct{ ID, UID string }
		json.Unmarshal(mustCall(t, p.client(), 201, "POST", base+"/api/alertbutton/alerts", p.token,
			map[string]any{"kind": "detained", "lat": 34.0522, "lon": -118.2437}), &out)
		return out.ID, out.UID
	}
	alertID, uid := press(phone)
	controlID, controlUID := press(control)
	// The relative set up before the press hears of it (after the subscription's confirmation),
	// so that silence later means something.
	svc.WaitMessages(t, phone.relSub, 2)
	cancelAs := mustCall(t, phone.client(), 200, "POST", base+"/api/alertbutton/alerts/"+uid+"/cancel", phone.token, map[string]string{"pin": duressPIN})
	controlCancel := mustCall(t, control.client(), 200, "POST", base+"/api/alertbutton/alerts/"+controlUID+"/cancel", control.token, map[string]string{"pin": cancelPIN})
	sameAnswer(t, "the cancel", cancelAs, controlCancel)
	if s := caseAsStaff(t, base, adviser, alertID); s.Status == "cancelled" || !s.Duress {
		t.Fatalf("the duress PIN closed the case for the advisers: %+v", s)
	}

	// readPaths are what the phone can ask of its alert and of what points at it; reads are
	// the answers, each "status body".
	readPaths := func(uid, alertID string) []string {
		return []string{
			"/api/alertbutton/alerts",
			"/api/alertbutton/alerts/" + uid,
			"/api/alertbutton/pins",
			"/api/collections/alerts/records",
			"/api/collections/alerts/records/" + alertID,
			"/api/collections/alert_events/records",
			"/api/collections/alert_events/records?filter=" + url.QueryEscape(`alert = "`+alertID+`"`),
			"/api/collections/alerts/records?filter=" + url.QueryEscape(`id = "`+alertID+`" && alert_events_via_alert.type != "duress"`),
		}
	}
	reads := func(p *person, uid, alertID string) []string {
		var out []string
		for _, path := range readPaths(uid, alertID) {
			status, raw, err := call(p.client(), "GET", base+path, p.token, nil)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, strconv.Itoa(status)+" "+string(raw))
		}
		return out
	}
	before := reads(phone, uid, alertID)

	t.Run("the phone reads its alert as cancelled, as after the real PIN", func(t *testing.T) {
		controlReads := reads(control, controlUID, controlID)
		for i := range before {
			sameAnswer(t, "GET "+readPaths(uid, alertID)[i], []byte(before[i]), []byte(controlReads[i]))
		}
		var view struct {
			Status string
			Events []struct{ Type string }
		}
		json.Unmarshal(mustCall(t, phone.client(), 200, "GET", base+"/api/alertbutton/alerts/"+uid, phone.token, nil), &view)
		if view.Status != "cancelled" || len(view.Events) == 0 || view.Events[len(view.Events)-1].Type != "cancelled" {
			t.Errorf("the phone's view of its alert: %+v", view)
		}
		for i, path := range readPaths(uid, alertID) {
			if strings.HasPrefix(path, "/api/collections/") && !strings.HasPrefix(before[i], "4") {
				t.Errorf("the records API answers the phone about alerts: GET %s %.300s", path, before[i])
			}
		}
	})

	t.Run("back-relations and expands toward the alerts are refused", func(t *testing.T) {
		for _, q := range []string{
			"/api/collections/registrants/records?filter=" + url.QueryEscape(`alerts_via_registrant.duress = true`),
			"/api/collections/registrants/records?expand=alerts_via_registrant",
			"/api/collections/registrants/records/%s?expand=" + url.QueryEscape("alerts_via_registrant.alert_events_via_alert"),
			"/api/collections/contacts/records?filter=" + url.QueryEscape(`registrant.alerts_via_registrant.status = "cancelled"`),
			"/api/collections/contacts/records?sort=" + url.QueryEscape(`registrant.alerts_via_registrant.status`),
			"/api/collections/checkins/records?filter=" + url.QueryEscape(`registrant.alerts_via_registrant.alert_events_via_alert.type = "duress"`),
			"/api/collections/checkins/records?filter=" + url.QueryEscape(`@collection.alerts.duress = true`),
			"/api/collections/checkins/records?expand=alert",
		} {
			for _, p := range people {
				path := strings.Replace(q, "%s", p.id, 1)
				status, raw, _ := call(p.client(), "GET", base+path, p.token, nil)
				if status != 400 {
					t.Errorf("GET %s: %d %s, want 400", path, status, raw)
				}
			}
		}
		refresh := func(p *person) []byte {
			return mustCall(t, p.client(), 400, "POST", base+"/api/collections/registrants/auth-refresh?expand="+
				url.QueryEscape("alerts_via_registrant.alert_events_via_alert"), p.token, nil)
		}
		sameAnswer(t, "auth-refresh with an expand", refresh(phone), refresh(control))
	})

	familyTokens := []string{phone.familyToken, control.familyToken}
	t.Run("a relative added after the press is told nothing", func(t *testing.T) {
		var contact struct{ ID string }
		json.Unmarshal(mustCall(t, phone.client(), 200, "POST", base+"/api/collections/contacts/records", phone.token,
			map[string]any{"registrant": phone.id, "name": "Falso Familiar", "relationship": "hermano", "language": "es"}), &contact)
		var link struct{ Token string }
		json.Unmarshal(mustCall(t, phone.client(), 200, "POST", base+"/api/alertbutton/contacts/"+contact.ID+"/family-link", phone.token, nil), &link)
		familyTokens = append(familyTokens, link.Token)
		sub := svc.Subscribe(t, vapid)
		raw, _ := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "keys": map[string]string{"p256dh": sub.P256dh, "auth": sub.Auth}})
		mustFamily(t, base, 201, "POST", "/subscriptions", link.Token, string(raw))
		page := mustFamily(t, base, 200, "GET", "", link.Token, "")
		sameAnswer(t, "the family page", page, mustFamily(t, base, 200, "GET", "", phone.familyToken, ""))
		if strings.Contains(strings.ToLower(strings.Replace(string(page), `"alerts":[]`, "", 1)), "alert") {
			t.Errorf("the family page speaks of an alert: %s", page)
		}

		// The adviser works the case as the admin UI would; the relative from before is told,
		// the new one hears nothing: no push, no row in the outbox for any but those told of the press.
		queued := pushTargets(t, base, it, uid)
		adviserWorks(t, base, adviser, alertID)
		if !waitFor(10*time.Second, func() bool {
			return strings.Contains(strings.Join(svc.Messages(t, phone.relSub), "\n"), `"type":"alert.status"`)
		}) {
			t.Fatal("the relative from before the press was not told the case was received")
		}
		for _, m := range svc.Messages(t, sub) {
			if !strings.Contains(m, `"type":"subscription.confirmed","alert":""`) {
				t.Errorf("the relative added after the press was pushed: %s", m)
			}
		}
		after := pushTargets(t, base, it, uid)
		for target, n := range after {
			if queued[target] == 0 {
				t.Errorf("%d pushes about the alert were queued for a subscription made after the press", n)
			}
		}
		if len(after) == 0 {
			t.Error("no push about the alert was queued at all")
		}
	})

	t.Run("the advisers' work does not show through the phone", func(t *testing.T) {
		s := caseAsStaff(t, base, adviser, alertID)
		if s.Status != "in_progress" || s.AssignedTo == "" {
			t.Fatalf("the adviser's work did not land: %+v", s)
		}
		after := reads(phone, uid, alertID)
		for i := range before {
			if after[i] != before[i] {
				t.Errorf("after the adviser's work, GET %s answers\n%.400s\nwhere it answered\n%.400s", readPaths(uid, alertID)[i], after[i], before[i])
			}
		}
	})

	t.Run("the PINs cannot be changed while the case is open", func(t *testing.T) {
		change := func(current string) (int, []byte) {
			status, raw, err := call(phone.client(), "POST", base+"/api/alertbutton/pins", phone.token,
				map[string]string{"currentPin": current, "cancelPin": "1111", "duressPin": "2222"})
			if err != nil {
				t.Fatal(err)
			}
			return status, raw
		}
		wrongStatus, wrong := change("0000")
		if wrongStatus != 400 {
			t.Fatalf("a wrong current PIN: %d %s", wrongStatus, wrong)
		}
		for _, current := range []string{"", cancelPIN} {
			status, raw := change(current)
			if status != wrongStatus {
				t.Errorf("currentPin %q: %d %s, want %d", current, status, raw, wrongStatus)
			}
			sameAnswer(t, "currentPin "+current, raw, wrong)
		}
		if status, raw := change(duressPIN); status != 204 {
			t.Errorf("the duress PIN as currentPin: %d %s, want 204", status, raw)
		}
		refused := caseEvents(t, base, adviser, alertID, "pin_change_refused")
		if len(refused) != 4 {
			t.Errorf("staff see %d refused PIN changes on the case, want 4", len(refused))
		}
		if s := caseAsStaff(t, base, adviser, alertID); s.Status == "cancelled" {
			t.Errorf("the case closed: %+v", s)
		}
		// The PINs are the old ones: on a new press, "1111" is a wrong PIN and the old one cancels.
		id2, uid2 := press(phone)
		if status, raw, _ := call(phone.client(), "POST", base+"/api/alertbutton/alerts/"+uid2+"/cancel", phone.token,
			map[string]string{"pin": "1111"}); status != 400 {
			t.Errorf("the PIN the phone tried to set cancels: %d %s", status, raw)
		}
		mustCall(t, phone.client(), 200, "POST", base+"/api/alertbutton/alerts/"+uid2+"/cancel", phone.token, map[string]string{"pin": cancelPIN})
		if s := caseAsStaff(t, base, adviser, id2); s.Status != "cancelled" || s.Duress {
			t.Errorf("the old cancel PIN did not cancel the new alert: %+v", s)
		}
		if s := caseAsStaff(t, base, adviser, alertID); s.Status == "cancelled" {
			t.Errorf("the duress case closed: %+v", s)
		}
	})

	t.Run("a fourth armed check-in is refused", func(t *testing.T) {
		due := time.Now().UTC().Add(2 * time.Hour).Format("2006-01-02 15:04:05.000Z")
		checkin := map[string]any{"registrant": phone.id, "due_at": due, "place": "oficina"}
		for range 3 {
			mustCall(t, phone.client(), 200, "POST", base+"/api/collections/checkins/records", phone.token, checkin)
		}
		mustCall(t, phone.client(), 409, "POST", base+"/api/collections/checkins/records", phone.token, checkin)
	})

	t.Run("deleting the account keeps the case whole", func(t *testing.T) {
		deleted := mustCall(t, phone.client(), 204, "DELETE", base+"/api/collections/registrants/records/"+phone.id, phone.token, nil)
		// The control has no open case: its account is really deleted.
		sameAnswer(t, "the deletion", deleted,
			mustCall(t, control.client(), 204, "DELETE", base+"/api/collections/registrants/records/"+control.id, control.token, nil))
		signIn := func(p *person) []byte {
			return mustCall(t, p.client(), 400, "POST", base+"/api/collections/registrants/auth-with-password", "",
				map[string]string{"identity": p.phone, "password": "contraseña-larga-1"})
		}
		sameAnswer(t, "signing in", signIn(phone), signIn(control))
		recover := func(p *person) []byte {
			return mustCall(t, p.client(), 400, "POST", base+"/api/alertbutton/recovery", "",
				map[string]string{"phone": p.phone, "code": "12345678", "password": "otra-contraseña-larga", "passwordConfirm": "otra-contraseña-larga"})
		}
		sameAnswer(t, "account recovery", recover(phone), recover(control))
		// The links the phone made, before the press and after, are gone as the control's are.
		gone := mustFamily(t, base, 404, "GET", "", control.familyToken, "")
		for _, token := range familyTokens {
			sameAnswer(t, "the family link", mustFamily(t, base, 404, "GET", "", token, ""), gone)
		}
		oldToken := func(p *person) []byte {
			return mustCall(t, p.client(), 401, "GET", base+"/api/alertbutton/alerts", p.token, nil)
		}
		sameAnswer(t, "the old session", oldToken(phone), oldToken(control))

		var c struct {
			Registrant string
			County     string `json:"county_geoid"`
			Target     string `json:"target_consulate"`
			Expand     struct{ Registrant struct{ Phone string } }
		}
		raw := mustCall(t, http.DefaultClient, 200, "GET", base+"/api/collections/alerts/records/"+alertID+"?expand=registrant", adviser, nil)
		json.Unmarshal(raw, &c)
		if c.Registrant != phone.id || c.Expand.Registrant.Phone != phone.phone || c.County == "" || c.Target != "los-angeles" {
			t.Errorf("the case lost its person or place: %s", raw)
		}
		var relatives struct{ TotalItems int }
		json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", base+"/api/collections/contacts/records?filter="+
			url.QueryEscape(`registrant = "`+phone.id+`"`), adviser, nil), &relatives)
		if relatives.TotalItems != 2 {
			t.Errorf("the case has %d relatives, want 2", relatives.TotalItems)
		}
		if len(caseEvents(t, base, adviser, alertID, "deletion_requested")) != 1 {
			t.Error("the advisers do not see the deletion request on the case")
		}
	})

	t.Run("registering the phone again answers like a fresh registration", func(t *testing.T) {
		register := func(p *person) []byte {
			return mustCall(t, p.client(), 200, "POST", base+"/api/collections/registrants/records", "", map[string]any{
				"phone": p.phone, "password": "otra-contraseña-larga", "passwordConfirm": "otra-contraseña-larga",
				"name": "Persona Nueva", "language": "es", "consent": true, "zip": "90012"})
		}
		again, fresh := register(phone), register(control) // the control's phone is free again
		sameAnswer(t, "the registration",
			[]byte(strings.ReplaceAll(string(again), phone.phone, "<phone>")),
			[]byte(strings.ReplaceAll(string(fresh), control.phone, "<phone>")))
		if s := caseAsStaff(t, base, adviser, alertID); s.Registrant != phone.id {
			t.Errorf("the case's person changed: %+v", s)
		}
	})

	t.Run("no family token is in the logs", func(t *testing.T) {
		for _, token := range familyTokens {
			noFamilyTokenInTheLogs(t, base, it, token)
		}
	})

	t.Run("the audit chain verifies", func(t *testing.T) {
		verifyAudit(t, base, it)
	})
}

// What differs between two people's answers however alike: ids, uids, times, tokens.
var (
	anonTimes  = regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z`)
	anonUIDs   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	anonIDs    = regexp.MustCompile(`\b[a-z0-9]{15}\b`)
	anonTokens = regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`)
	anonDevice = regexp.MustCompile(`"device":"[^"]*"`) // a family page's stamp for this browser (a random nonce)
)

func anonymised(raw []byte) string {
	s := anonTimes.ReplaceAllString(string(raw), "<time>")
	s = anonUIDs.ReplaceAllString(s, "<uid>")
	s = anonTokens.ReplaceAllString(s, "<token>")
	s = anonDevice.ReplaceAllString(s, `"device":"<device>"`)
	return anonIDs.ReplaceAllString(s, "<id>")
}

// sameAnswer fails when two answers differ once ids, uids, times and tokens are taken out.
func sameAnswer(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if g, w := anonymised(got), anonymised(want); g != w {
		t.Errorf("%s tells the two apart:\n%.600s\nagainst\n%.600s", what, g, w)
	}
}

// mustFamily calls a family route with the token in its header, as the family page does.
func mustFamily(t *testing.T, base string, want int, method, path, token, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, base+"/api/alertbutton/family"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Family-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s family%s: %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	return raw
}

// caseView is an alert as the advisers see it.
type caseView struct {
	Status, Registrant string
	Duress             bool
	AssignedTo         string `json:"assigned_to"`
}

func caseAsStaff(t *testing.T, base, staff, id string) caseView {
	t.Helper()
	var c caseView
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", base+"/api/collections/alerts/records/"+id, staff, nil), &c)
	return c
}

// caseEvents are the case's timeline events of type typ, as the advisers see them.
func caseEvents(t *testing.T, base, staff, alertID, typ string) []json.RawMessage {
	t.Helper()
	var list struct{ Items []json.RawMessage }
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", base+"/api/collections/alert_events/records?perPage=200&filter="+
		url.QueryEscape(`alert = "`+alertID+`" && type = "`+typ+`"`), staff, nil), &list)
	return list.Items
}

// adviserWorks is an adviser working a case through the records API, as the admin UI does:
// acknowledge, assign to themself and add a note, then take it in hand.
func adviserWorks(t *testing.T, base, adviser, alertID string) {
	t.Helper()
	var me struct{ Record struct{ ID string } }
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "POST", base+"/api/collections/_superusers/auth-refresh", adviser, nil), &me)
	for _, patch := range []map[string]any{
		{"status": "acknowledged"},
		{"assigned_to": me.Record.ID},
		{"status": "in_progress"},
	} {
		mustCall(t, http.DefaultClient, 200, "PATCH", base+"/api/collections/alerts/records/"+alertID, adviser, patch)
	}
	mustCall(t, http.DefaultClient, 200, "POST", base+"/api/collections/case_notes/records", adviser,
		map[string]any{"alert": alertID, "body": "llamó la esposa; lo trasladan"})
}

// pushTargets counts, as IT, the pushes about the alert uid queued for each subscription.
func pushTargets(t *testing.T, base, it, uid string) map[string]int {
	t.Helper()
	var rows struct{ Items []struct{ Target string } }
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", base+"/api/collections/outbox/records?perPage=500&fields=target&filter="+
		url.QueryEscape(`alert = "`+uid+`" && channel = "push"`), it, nil), &rows)
	n := map[string]int{}
	for _, r := range rows.Items {
		n[r.Target]++
	}
	return n
}
