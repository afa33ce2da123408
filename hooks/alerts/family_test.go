package alerts_test

import (
	"net/http"
	"strings"
	"testing"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

func familyURL(token string) string { return "/api/alertbutton/family/" + token + "/alerts" }

func TestFamilyReportCallers(t *testing.T) {
	t.Parallel()
	body := `{"place":"Afuera del trabajo, Calle 5","note":"` + secretNote + `"}`
	cases := []struct {
		name   string
		url    func(w *world) string
		token  func(w *world) string
		status int
	}{
		{"an unknown link", func(w *world) string { return familyURL(w.familyTokenBad) }, func(*world) string { return "" }, 404},
		{"a malformed link", func(w *world) string { return familyURL("not-a-token") }, func(*world) string { return "" }, 404},
		{"registrant A with no link", func(w *world) string { return familyURL(w.familyTokenBad) }, func(w *world) string { return w.tokA }, 404},
		{"staff with no link", func(w *world) string { return familyURL(w.familyTokenBad) }, func(w *world) string { return w.tokAdviser }, 404},
		{"the relative's link", func(w *world) string { return familyURL(w.tokES) }, func(*world) string { return "" }, 201},
		{"the relative's link, whoever else is signed in", func(w *world) string { return familyURL(w.tokEN) }, func(w *world) string { return w.tokB }, 201},
	}
	for _, c := range cases {
		w := newWorld(t, "all")
		before := counts(t, w.app)
		s := scenario(w, c.name, http.MethodPost, c.url(w), c.token(w), body, c.status)
		if c.status == 201 {
			s.ExpectedContent = []string{`"uid":"`, `"kind":"detained"`, `"consulate":{"city":"Los Angeles","code":"los-angeles"`}
		} else {
			s.ExpectedContent = []string{`"status":404`}
		}
		// A relative is shown nothing the registrant wrote or where they are.
		s.NotExpectedContent = []string{secretNote, w.a.Id, "López", `"status":"new"`}
		s.Test(t)
		after := counts(t, w.app)
		if c.status != 201 && after != before {
			t.Errorf("%s wrote rows", c.name)
		}
		if c.status == 201 && after.alerts != before.alerts+1 {
			t.Errorf("%s stored no alert", c.name)
		}
	}
}

func TestFamilyReportRaisesForTheRegistrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	uid, _ := alerts.NewUID()
	s := scenario(w, "report", http.MethodPost, familyURL(w.tokES), "", `{"uid":"`+uid+`","kind":"raid","place":"Calle 5"}`, 201)
	s.ExpectedContent = []string{`"uid":"` + uid + `"`, `"kind":"raid"`}
	s.Test(t)
	alert, err := alerts.FindByUID(w.app, uid)
	if err != nil {
		t.Fatal(err)
	}
	if alert.GetString("source") != "family" || alert.GetString("registrant") != w.a.Id || alert.GetString("kind") != "raid" ||
		alert.GetString("route_basis") != "registrant_zip" {
		t.Errorf("stored %v", alert.FieldsData())
	}
	if loc, _ := w.cfg.Sealer().Open(alert.Id, "location", alert.GetString("location")); loc != "Calle 5" {
		t.Errorf("location = %q", loc)
	}
	ev, _ := w.app.FindFirstRecordByData("alert_events", "alert", alert.Id)
	if ev.GetString("actor") != "contact:"+w.relES.Id {
		t.Errorf("actor = %q", ev.GetString("actor"))
	}
	rows := outboxFor(t, w.app, uid)
	if got := to(rows, w.subA.Id); len(got) != 0 {
		t.Errorf("the registrant's phone, which may be seized, was told: %+v", got)
	}
	if got := to(rows, w.subRelES.Id); len(got) != 1 || got[0].Payload.Title != "Alerta recibida" {
		t.Errorf("the reporter gets the receipt: %+v", got)
	}
	if got := to(rows, w.subRelEN.Id); len(got) != 1 || got[0].Payload.Body != "A relative told the consulate that Ana needs help." {
		t.Errorf("the other relative is told in English: %+v", got)
	}
	if len(to(rows, w.subAdviser.Id)) != 1 {
		t.Error("the staff on duty are told")
	}
}

func TestFamilyReportRepeatAndRefusals(t *testing.T) {
	t.Parallel()
	uid, _ := alerts.NewUID()
	w := newWorld(t, "all")
	if _, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), alerts.Draft{UID: uid, Kind: "detained", Source: alerts.SourceFamily,
		Actor: "contact:" + w.relES.Id, Registrant: w.a, Contact: w.relES}); err != nil {
		t.Fatal(err)
	}
	before := counts(t, w.app)
	s := scenario(w, "the same report again", http.MethodPost, familyURL(w.tokEN), "", `{"uid":"`+uid+`"}`, 200)
	s.ExpectedContent = []string{`"uid":"` + uid + `"`}
	s.Test(t)
	if after := counts(t, w.app); after != before {
		t.Errorf("the repeat wrote rows")
	}

	w = newWorld(t, "all")
	raiseAs(t, w, uid) // the registrant's own button alert
	s = scenario(w, "a uid that is not a family report", http.MethodPost, familyURL(w.tokES), "", `{"uid":"`+uid+`"}`, 409)
	s.ExpectedContent = []string{"uid_taken"}
	s.Test(t)

	for _, bad := range []struct{ body, field string }{
		{`{"place":"` + strings.Repeat("x", 501) + `"}`, "place"},
		{`{"note":"` + strings.Repeat("x", 1001) + `"}`, "note"},
		{`{"kind":"checkin_missed"}`, "kind"},
		{`{"place":7}`, "place"},
	} {
		w = newWorld(t, "all")
		before := counts(t, w.app)
		s = scenario(w, "bad "+bad.field, http.MethodPost, familyURL(w.tokES), "", bad.body, 400)
		s.ExpectedContent = []string{`"` + bad.field + `":{"code":`}
		s.Test(t)
		if after := counts(t, w.app); after != before {
			t.Errorf("bad %s wrote rows", bad.field)
		}
	}
}
