package family_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/family/stamp"
)

const pagePath = "/api/alertbutton/family"

// caseWorld is a registrant with PINs and a linked relative, an adviser, served over HTTP.
type caseWorld struct {
	t          *testing.T
	app        core.App
	cfg        *appliance.Config
	srv        *httptest.Server
	owner      *core.Record
	contact    *core.Record
	token      string // the relative's link
	ownerTok   string
	adviserTok string
}

func newCaseWorld(t *testing.T, disclosure string) *caseWorld {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	w := &caseWorld{t: t, app: app, cfg: cfg, srv: apptest.Serve(t, app)}
	w.owner = apptest.Registrant(t, app, "+13105550170", apptest.Fields{"name": "Ana María López", "disclosure": disclosure})
	apptest.SetPINs(t, app, w.owner)
	w.ownerTok = apptest.Token(t, w.owner)
	w.contact = apptest.Contact(t, app, w.owner, apptest.Fields{"name": "Rosa López"})
	link := apptest.JSON(t, w.call("POST", "/api/alertbutton/contacts/"+w.contact.Id+"/family-link", w.ownerTok, "{}", 200))
	w.token = link["token"].(string)
	w.contact = apptest.Find(t, app, "contacts", w.contact.Id)
	w.adviserTok = apptest.Token(t, apptest.Staff(t, app, "asesora@consulado.example", "adviser", true))
	return w
}

type pageAnswer struct {
	Shares bool
	Device string
	Alerts []struct {
		Open       bool
		Milestones []struct{ Type, By, Facility, At string }
		Consulate  *struct{ Code, Name string }
	}
}

// milestones are an alert's milestones as "type/by/facility" words.
func (p pageAnswer) milestones(i int) string {
	var out []string
	for _, m := range p.Alerts[i].Milestones {
		out = append(out, strings.TrimRight(m.Type+"/"+m.By+"/"+m.Facility, "/"))
	}
	return strings.Join(out, " ")
}

// page is the family page's answer to the relative's token from the browser of stamp ("" for
// a browser opening the link for the first time), and the raw body.
func (w *caseWorld) page(token, stamp string) (pageAnswer, string) {
	w.t.Helper()
	return w.pageWith(token, stamp, "")
}

// pageWith is page with the stamp an SMS's link brought, grant.
func (w *caseWorld) pageWith(token, stamp, grant string) (pageAnswer, string) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+pagePath, nil)
	req.Header.Set(family.Header, token)
	if stamp != "" {
		req.Header.Set(family.DeviceHeader, stamp)
	}
	if grant != "" {
		req.Header.Set(family.GrantHeader, grant)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var raw json.RawMessage
	json.NewDecoder(res.Body).Decode(&raw)
	if res.StatusCode != 200 {
		w.t.Fatalf("family page: %d %s", res.StatusCode, raw)
	}
	var p pageAnswer
	json.Unmarshal(raw, &p)
	if p.Alerts == nil || p.Device == "" {
		w.t.Fatalf("family page without alerts list or device stamp: %s", raw)
	}
	return p, string(raw)
}

// enroll opens the relative's page for the first time and returns the browser's stamp.
func (w *caseWorld) enroll() string {
	w.t.Helper()
	p, _ := w.page(w.token, "")
	if len(p.Alerts) != 0 {
		w.t.Fatalf("a browser opening the link for the first time is shown %d alerts", len(p.Alerts))
	}
	return p.Device
}

func (w *caseWorld) call(method, path, token, body string, want int) string {
	w.t.Helper()
	status, out := apptest.CallURL(w.t, method, w.srv.URL+path, token, body)
	if status != want {
		w.t.Fatalf("%s %s: %d %s, want %d", method, path, status, out, want)
	}
	return out
}

// press raises the registrant's alert as the phone does, and returns its id and uid.
func (w *caseWorld) press() (id, uid string) {
	w.t.Helper()
	out := apptest.JSON(w.t, w.call("POST", "/api/alertbutton/alerts", w.ownerTok, `{"kind":"detained","lat":34.0522,"lon":-118.2437}`, 201))
	return out["id"].(string), out["uid"].(string)
}

func (w *caseWorld) staffSets(alertID, body string) {
	w.t.Helper()
	w.call("PATCH", "/api/collections/alerts/records/"+alertID, w.adviserTok, body, 200)
}

// registrantView is the alert as the registrant's phone reads it.
func (w *caseWorld) registrantView(uid string) map[string]any {
	w.t.Helper()
	return apptest.JSON(w.t, w.call("GET", "/api/alertbutton/alerts/"+uid, w.ownerTok, "", 200))
}

// A relative whose page was open before the press sees the case open and each milestone as
// staff reach it, in order: raised by the button, received, a lawyer assigned, located
// (the facility's name, with disclosure "all"), and released when the consulate closes it.
func TestFamilyPageShowsTheMilestones(t *testing.T) {
	t.Parallel()
	w := newCaseWorld(t, "all")
	stamp := w.enroll()
	id, _ := w.press()
	facility := apptest.Facility(t, w.app, "Adelanto ICE Processing Center", nil)
	adviser := apptest.Staff(t, w.app, "abogado@consulado.example", "adviser", false)

	steps := []struct{ body, want string }{
		{"", "raised/button"},
		{`{"status":"acknowledged"}`, "raised/button received"},
		{`{"assigned_to":"` + adviser.Id + `"}`, "raised/button received assigned"},
		{`{"facility":"` + facility.Id + `"}`, "raised/button received assigned located//Adelanto ICE Processing Center"},
		{`{"status":"resolved"}`, "raised/button received assigned located//Adelanto ICE Processing Center closed/released"},
	}
	for i, s := range steps {
		if s.body != "" {
			w.staffSets(id, s.body)
		}
		p, raw := w.page(w.token, stamp)
		if len(p.Alerts) != 1 {
			t.Fatalf("step %d: %d alerts: %s", i, len(p.Alerts), raw)
		}
		if got := p.milestones(0); got != s.want {
			t.Errorf("step %d: milestones %q, want %q", i, got, s.want)
		}
		if open := i < len(steps)-1; p.Alerts[0].Open != open {
			t.Errorf("step %d: open %v, want %v", i, p.Alerts[0].Open, open)
		}
		if c := p.Alerts[0].Consulate; c == nil || c.Code != "los-angeles" {
			t.Errorf("step %d: the consulate working the case is %+v, want los-angeles with disclosure all", i, c)
		}
		for _, leak := range []string{"34.05", "118.24", `"place"`, `"note"`, `"uid"`, `"duress"`, `"kind"`, "asesora", "abogado"} {
			if strings.Contains(raw, leak) {
				t.Errorf("step %d: the page shows %s: %s", i, leak, raw)
			}
		}
	}
}

// What the page says follows the registrant's disclosure setting: "status" gives the
// milestones but not where (no facility, no consulate of the place); "none" nothing, and
// says so.
func TestFamilyPageFollowsDisclosure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		disclosure, want string
		shares           bool
	}{
		{"status", "raised/button received assigned", true},
		{"none", "", false},
	} {
		w := newCaseWorld(t, c.disclosure)
		stamp := w.enroll()
		id, _ := w.press()
		facility := apptest.Facility(t, w.app, "Adelanto ICE Processing Center", nil)
		w.staffSets(id, `{"status":"acknowledged","assigned_to":"`+apptest.Staff(t, w.app, "b@consulado.example", "adviser", false).Id+`"}`)
		w.staffSets(id, `{"facility":"`+facility.Id+`"}`)
		p, raw := w.page(w.token, stamp)
		if p.Shares != c.shares {
			t.Errorf("disclosure %q: shares %v, want %v", c.disclosure, p.Shares, c.shares)
		}
		got := ""
		if len(p.Alerts) == 1 {
			got = p.milestones(0)
		}
		if got != c.want || len(p.Alerts) > 1 {
			t.Errorf("disclosure %q: milestones %q, want %q: %s", c.disclosure, got, c.want, raw)
		}
		if strings.Contains(raw, "Adelanto") || len(p.Alerts) > 0 && p.Alerts[0].Consulate != nil {
			t.Errorf("disclosure %q: the page tells where: %s", c.disclosure, raw)
		}
	}
}

// A relative hears of an alert only if their link and the browser reading it existed when it
// was raised: a relative added after the press, one whose link was made again, one whose
// details were changed (the phone's holder may have put their own), and a browser that
// opened the link after the press see nothing of it.
func TestFamilyPageOnlyForWhoExistedAtRaise(t *testing.T) {
	t.Parallel()
	w := newCaseWorld(t, "all")
	stamp := w.enroll()
	later, _ := w.page(w.token, "") // a second browser, before the press: sees it too
	w.press()
	if p, _ := w.page(w.token, stamp); len(p.Alerts) != 1 || !p.Alerts[0].Open {
		t.Fatalf("the relative's browser open before the press does not see the alert: %+v", p)
	}
	if p, _ := w.page(w.token, later.Device); len(p.Alerts) != 1 {
		t.Fatalf("a second browser of the relative open before the press does not see it")
	}
	long := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

	// A browser that opens the link now, however often it comes back.
	fresh := w.enroll()
	if p, _ := w.page(w.token, fresh); len(p.Alerts) != 0 {
		t.Errorf("a browser that opened the link after the press sees %d alerts", len(p.Alerts))
	}

	// A relative added after the press, even with a stamp from long ago.
	added, addedTok := apptest.LinkedContact(t, w.app, w.owner, apptest.Fields{"name": "Nuevo"})
	if p, _ := w.page(addedTok, family.StampAt(w.cfg.Sealer(), added, long)); len(p.Alerts) != 0 {
		t.Errorf("a relative added after the press sees %d alerts", len(p.Alerts))
	}

	// The relative's details changed after the press (same link).
	w.contact.Set("phone", "+15555550100")
	if err := w.app.Save(w.contact); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.page(w.token, stamp); len(p.Alerts) != 0 {
		t.Errorf("a relative changed after the press sees %d alerts", len(p.Alerts))
	}

	// A stamp of another relative, or forged, is a new browser.
	if p, _ := w.page(w.token, family.StampAt(w.cfg.Sealer(), added, long)); len(p.Alerts) != 0 || p.Device == family.StampAt(w.cfg.Sealer(), added, long) {
		t.Errorf("another relative's stamp is taken")
	}
	if p, _ := w.page(w.token, "sealed:v1:00000000:AAAA"); len(p.Alerts) != 0 {
		t.Errorf("a forged stamp is taken")
	}
}

// The duress PIN shows the phone the alert cancelled, exactly as the cancel PIN does, while
// the relatives whose page was open before the press keep seeing it open and its milestones.
// Whoever holds the phone can show the relative's link again and open it: that browser sees
// the same page after the duress PIN as after the cancel PIN.
func TestFamilyPageUnderDuress(t *testing.T) {
	t.Parallel()
	type outcome struct {
		relative pageAnswer
		phone    string // the registrant's view of the alert, times and ids out
		seized   string // the page opened from the link the phone shows again
		seizedAt string // the same browser, coming back
	}
	run := func(pin string) outcome {
		w := newCaseWorld(t, "all")
		stamp := w.enroll()
		id, uid := w.press()
		w.staffSets(id, `{"status":"acknowledged"}`)
		w.call("POST", "/api/alertbutton/alerts/"+uid+"/cancel", w.ownerTok, `{"pin":"`+pin+`"}`, 200)
		w.staffSets(id, `{"assigned_to":"`+apptest.Staff(t, w.app, "c@consulado.example", "adviser", false).Id+`"}`)

		var o outcome
		o.relative, _ = w.page(w.token, stamp)
		view := w.registrantView(uid)
		o.phone = view["status"].(string)

		shown := apptest.JSON(t, w.call("GET", "/api/alertbutton/contacts/"+w.contact.Id+"/family-link", w.ownerTok, "", 200))
		link := shown["token"].(string)
		first, raw := w.page(link, "")
		o.seized = strings.Replace(raw, first.Device, "STAMP", 1)
		_, raw = w.page(link, first.Device)
		o.seizedAt = strings.Replace(raw, first.Device, "STAMP", 1)
		return o
	}
	real, forced := run(apptest.CancelPIN), run(apptest.DuressPIN)

	if real.phone != "cancelled" || forced.phone != "cancelled" {
		t.Errorf("the phone reads %q after the cancel PIN and %q after the duress PIN, want cancelled both", real.phone, forced.phone)
	}
	if real.seized != forced.seized || real.seizedAt != forced.seizedAt {
		t.Errorf("the link shown again on the phone tells the PINs apart:\ncancel PIN %s\nduress PIN %s", real.seizedAt, forced.seizedAt)
	}
	if len(real.relative.Alerts) != 1 || real.relative.Alerts[0].Open || real.relative.milestones(0) != "raised/button received assigned closed/cancelled" {
		t.Errorf("after the cancel PIN the relative reads %+v, want it closed by the person", real.relative)
	}
	if len(forced.relative.Alerts) != 1 || !forced.relative.Alerts[0].Open || forced.relative.milestones(0) != "raised/button received assigned" {
		t.Errorf("after the duress PIN the relative reads %+v, want it open, the lawyer assigned, no closing", forced.relative)
	}
}

// An alert kept open by the duress PIN and closed later by the consulate reads "released"
// to the relatives, never "safe" as the phone was shown.
func TestFamilyPageDuressThenClosedByStaff(t *testing.T) {
	t.Parallel()
	w := newCaseWorld(t, "status")
	stamp := w.enroll()
	id, uid := w.press()
	w.call("POST", "/api/alertbutton/alerts/"+uid+"/safe", w.ownerTok, `{"pin":"`+apptest.DuressPIN+`"}`, 200)
	if p, _ := w.page(w.token, stamp); !p.Alerts[0].Open || p.milestones(0) != "raised/button" {
		t.Fatalf("under duress the relative reads %+v, want it open", p)
	}
	w.staffSets(id, `{"status":"resolved"}`)
	if p, _ := w.page(w.token, stamp); p.Alerts[0].Open || p.milestones(0) != "raised/button closed/released" {
		t.Errorf("closed by staff after the duress PIN the relative reads %q", p.milestones(0))
	}
}

// The person's own "I am safe" with the cancel PIN reads as theirs.
func TestFamilyPageSafe(t *testing.T) {
	t.Parallel()
	w := newCaseWorld(t, "status")
	stamp := w.enroll()
	_, uid := w.press()
	w.call("POST", "/api/alertbutton/alerts/"+uid+"/safe", w.ownerTok, `{"pin":"`+apptest.CancelPIN+`"}`, 200)
	if p, _ := w.page(w.token, stamp); p.Alerts[0].Open || p.milestones(0) != "raised/button closed/safe" {
		t.Errorf("after the person's safe the relative reads %q", p.milestones(0))
	}
}

// A relative who first opens their link from the SMS about an alert (its link carries a stamp
// of the raise) is shown that alert, and keeps the stamp; the same browser without it, or
// with a stamp for another relative, is not.
func TestFamilyPageFromTheSMSLink(t *testing.T) {
	t.Parallel()
	w := newCaseWorld(t, "status")
	id, _ := w.press()
	alert := apptest.Find(t, w.app, "alerts", id)
	grant, err := stamp.New(w.cfg.Sealer(), w.contact.Id, w.contact.GetString("family_token_hash"), alert.GetDateTime("created").Time())
	if err != nil {
		t.Fatal(err)
	}
	fresh := w.enroll()
	p, _ := w.pageWith(w.token, fresh, grant)
	if len(p.Alerts) != 1 || !p.Alerts[0].Open || p.Device != grant {
		t.Fatalf("from the SMS's link the relative reads %+v, want the alert open and the SMS's stamp kept", p)
	}
	if p, _ := w.page(w.token, p.Device); len(p.Alerts) != 1 {
		t.Errorf("back with the SMS's stamp the relative reads %d alerts", len(p.Alerts))
	}
	if p, _ := w.page(w.token, fresh); len(p.Alerts) != 0 {
		t.Errorf("the browser's own stamp, newer than the raise, shows %d alerts", len(p.Alerts))
	}
	other := apptest.Contact(t, w.app, w.owner, apptest.Fields{"name": "Otro"})
	foreign, _ := stamp.New(w.cfg.Sealer(), other.Id, w.contact.GetString("family_token_hash"), alert.GetDateTime("created").Time())
	if p, _ := w.pageWith(w.token, "", foreign); len(p.Alerts) != 0 {
		t.Errorf("another relative's SMS stamp shows %d alerts", len(p.Alerts))
	}
}
