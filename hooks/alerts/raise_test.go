package alerts_test

import (
	"regexp"
	"strings"
	"testing"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/notify"
)

var uuidV7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func button(w *world, lat, lon float64) alerts.Draft {
	return alerts.Draft{
		Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + w.a.Id,
		Registrant: w.a, Lat: ptr(lat), Lon: ptr(lon), Accuracy: ptr(25), Note: secretNote,
	}
}

func TestRaiseIsIdempotentByUID(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	in := button(w, laLat, laLon)
	first, created, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), in)
	if err != nil || !created {
		t.Fatalf("first raise: created=%v err=%v", created, err)
	}
	uid := first.GetString("uid")
	if !uuidV7.MatchString(uid) {
		t.Fatalf("the server minted uid %q, want a UUIDv7", uid)
	}
	before := counts(t, w.app)

	in.UID = uid
	in.Kind = "raid" // a retry is the same alert, whatever else it says
	again, created, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), in)
	if err != nil || created {
		t.Fatalf("second raise: created=%v err=%v", created, err)
	}
	if again.Id != first.Id || again.GetString("kind") != "detained" {
		t.Fatalf("second raise returned %s (%s), want the first alert %s", again.Id, again.GetString("kind"), first.Id)
	}
	if after := counts(t, w.app); after != before {
		t.Fatalf("the repeated uid wrote rows: %+v -> %+v", before, after)
	}
}

func TestRaiseFillsTheAlert(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
	if err != nil {
		t.Fatal(err)
	}
	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	want := map[string]string{
		"registrant": w.a.Id, "source": "button", "kind": "detained", "status": "new",
		"origin_consulate": "los-angeles", "home_consulate": "los-angeles", "target_consulate": "los-angeles",
		"route_basis": "location", "county_geoid": "06037",
	}
	for f, v := range want {
		if got := stored.GetString(f); got != v {
			t.Errorf("%s = %q, want %q", f, got, v)
		}
	}
	if stored.GetBool("duress") {
		t.Error("a new alert is flagged duress")
	}
	for _, f := range []string{"location", "note"} {
		if v := stored.GetString(f); !strings.HasPrefix(v, "sealed:") {
			t.Errorf("%s is stored as %q, want it sealed", f, v)
		}
	}
	loc, err := w.cfg.Sealer().Open(stored.Id, "location", stored.GetString("location"))
	if err != nil || loc != `{"accuracy":25,"lat":34.0522,"lon":-118.2437}` {
		t.Errorf("location opens to %q (%v)", loc, err)
	}
	types, staffOnly := events(t, w.app, alert.Id)
	if len(types) != 1 || types[0] != "created" || staffOnly["created"] {
		t.Fatalf("timeline = %v, want one visible created event", types)
	}
	ev, _ := w.app.FindFirstRecordByData("alert_events", "alert", alert.Id)
	if ev.GetString("actor") != "registrant:"+w.a.Id {
		t.Errorf("actor = %q", ev.GetString("actor"))
	}
	data := ev.GetString("data")
	for _, want := range []string{`"kind":"detained"`, `"source":"button"`, `"target":"los-angeles"`, `"basis":"location"`} {
		if !strings.Contains(data, want) {
			t.Errorf("created event data %s lacks %s", data, want)
		}
	}
	if strings.Contains(data, "34.05") || strings.Contains(data, "SENTINEL") {
		t.Errorf("created event data holds personal data: %s", data)
	}
}

func TestRaiseRoutesThePlace(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                 string
		in                   func(w *world) alerts.Draft
		target, basis, geoid string
		federation           bool
	}{
		{"a Fresno point goes to Fresno", func(w *world) alerts.Draft { return button(w, fresnoLat, fresnoLon) }, "fresno", "location", "06019", true},
		{"a Los Angeles point stays here", func(w *world) alerts.Draft { return button(w, laLat, laLon) }, "los-angeles", "location", "06037", false},
		{"a ZIP code when there is no point", func(w *world) alerts.Draft {
			in := button(w, 0, 0)
			in.Lat, in.Lon, in.ZIP = nil, nil, "93721"
			return in
		}, "fresno", "zip", "06019", true},
		{"the registrant's ZIP when the point is outside the U.S.", func(w *world) alerts.Draft {
			return button(w, 19.4326, -99.1332) // Mexico City
		}, "los-angeles", "registrant_zip", "06037", false},
		{"the home consulate when nothing places it", func(w *world) alerts.Draft {
			in := button(w, 0, 0)
			in.Lat, in.Lon = nil, nil
			w.a.Set("zip", "")
			return in
		}, "los-angeles", "home", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, "all")
			alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), c.in(w))
			if err != nil {
				t.Fatal(err)
			}
			stored := apptest.Find(t, w.app, "alerts", alert.Id)
			if stored.GetString("target_consulate") != c.target || stored.GetString("route_basis") != c.basis ||
				stored.GetString("county_geoid") != c.geoid {
				t.Errorf("routed to %s by %s (county %s), want %s by %s (%s)", stored.GetString("target_consulate"),
					stored.GetString("route_basis"), stored.GetString("county_geoid"), c.target, c.basis, c.geoid)
			}
			fed := channel(outboxFor(t, w.app, alert.GetString("uid")), "federation")
			if !c.federation {
				if len(fed) != 0 {
					t.Errorf("federation rows for an alert this consulate serves: %+v", fed)
				}
				return
			}
			if len(fed) != 1 || fed[0].Target != c.target || fed[0].Raw != `{"alert":"`+alert.GetString("uid")+`","type":"alert.created"}` {
				t.Errorf("federation rows = %+v, want one alert.created to %s", fed, c.target)
			}
		})
	}
}

func TestRaiseNotifiesEveryoneOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
	if err != nil {
		t.Fatal(err)
	}
	rows := outboxFor(t, w.app, alert.GetString("uid"))
	expect := []struct {
		who, target, channel, lang, title, body string
	}{
		{"the registrant's phone", w.subA.Id, "push", "es", "Alerta recibida", "Recibido por el Consulado de México en Los Ángeles."},
		{"the Spanish relative's browser", w.subRelES.Id, "push", "es", "Alerta de Ana", "Ana activó el botón de alerta. El consulado ya fue avisado."},
		{"the Spanish relative's e-mail", w.relES.Id, "email", "es", "Alerta de Ana", "Ana activó el botón de alerta. El consulado ya fue avisado."},
		{"the English relative's browser", w.subRelEN.Id, "push", "en", "Alert from Ana", "Ana pressed the alert button. The consulate has been told."},
		{"the adviser on duty", w.subAdviser.Id, "push", "es", "Alerta nueva", "Detención. Ábrela en el panel."},
		{"IT on duty", w.subIT.Id, "push", "es", "Alerta nueva", "Detención. Ábrela en el panel."},
	}
	for _, e := range expect {
		got := to(rows, e.target)
		if len(got) != 1 {
			t.Errorf("%s: %d rows, want 1", e.who, len(got))
			continue
		}
		p := got[0].Payload
		if got[0].Channel != e.channel || p.Lang != e.lang || p.Title != e.title || p.Body != e.body || p.Type != "alert.created" || p.Alert != alert.GetString("uid") {
			t.Errorf("%s got %s %+v", e.who, got[0].Channel, p)
		}
	}
	if len(rows) != len(expect) {
		t.Errorf("%d outbox rows, want %d: %+v", len(rows), len(expect), rows)
	}
	for _, nobody := range []string{w.subConsul.Id, w.subB.Id, w.relEN.Id} {
		if got := to(rows, nobody); len(got) != 0 {
			t.Errorf("%s was told: %+v", nobody, got)
		}
	}
	for _, r := range rows {
		for _, secret := range []string{"López", "María", "34.05", "-118", "90012", "SENTINEL", "rosa@"} {
			if strings.Contains(r.Raw, secret) {
				t.Errorf("payload to %s shows %q: %s", r.Target, secret, r.Raw)
			}
		}
	}
}

func TestRaiseFollowsDisclosure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		disclosure string
		relatives  int
	}{
		{"all", 3},    // two browsers and one e-mail
		{"status", 3}, // that it happened (without the place)
		{"none", 0},
	}
	for _, c := range cases {
		t.Run(c.disclosure, func(t *testing.T) {
			w := newWorld(t, c.disclosure)
			alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
			if err != nil {
				t.Fatal(err)
			}
			rows := outboxFor(t, w.app, alert.GetString("uid"))
			n := len(to(rows, w.subRelES.Id)) + len(to(rows, w.subRelEN.Id)) + len(to(rows, w.relES.Id))
			if n != c.relatives {
				t.Errorf("relatives got %d rows, want %d", n, c.relatives)
			}
			if len(to(rows, w.subA.Id)) != 1 || len(to(rows, w.subAdviser.Id)) != 1 {
				t.Error("the registrant and the staff are told whatever the disclosure")
			}
		})
	}
}

func TestRaiseTellsThePhoneOnlyWhenItPressedTheButton(t *testing.T) {
	t.Parallel()
	for _, source := range []string{alerts.SourceCheckin, alerts.SourceStaff} {
		w := newWorld(t, "all")
		in := button(w, laLat, laLon)
		in.Source, in.Kind = source, "checkin_missed"
		alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), in)
		if err != nil {
			t.Fatal(err)
		}
		rows := outboxFor(t, w.app, alert.GetString("uid"))
		if got := to(rows, w.subA.Id); len(got) != 0 {
			t.Errorf("%s: the registrant's phone was told: %+v", source, got)
		}
		if got := to(rows, w.subRelES.Id); len(got) != 1 || got[0].Payload.Body != "El consulado abrió un caso de Ana." {
			t.Errorf("%s: the relative got %+v", source, got)
		}
	}
}

func TestRaiseWalkIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	alert, created, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), alerts.Draft{
		Kind: "detained", Source: alerts.SourceWalkin, Actor: "staff:" + w.adviser.Id,
		SubjectName: "Juan Pérez", Place: "Frente a la tienda",
	})
	if err != nil || !created {
		t.Fatal(created, err)
	}
	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	if stored.GetString("registrant") != "" || stored.GetString("home_consulate") != "los-angeles" ||
		stored.GetString("target_consulate") != "los-angeles" || stored.GetString("route_basis") != "home" {
		t.Errorf("walk-in stored as %v", stored.FieldsData())
	}
	rows := outboxFor(t, w.app, alert.GetString("uid"))
	if len(rows) != 2 || len(to(rows, w.subAdviser.Id)) != 1 || len(to(rows, w.subIT.Id)) != 1 {
		t.Errorf("a walk-in tells the staff on duty only, got %+v", rows)
	}
}

func TestStaffSubscriptions(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	ids := func(onDuty bool, roles ...string) []string {
		subs, err := notify.StaffDevices(w.app, notify.Staff{OnDutyOnly: onDuty, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range subs {
			out = append(out, s.Id)
		}
		return out
	}
	all := ids(false)
	if len(all) != 3 {
		t.Errorf("all staff devices = %v", all)
	}
	onDuty := ids(true)
	if len(onDuty) != 2 || strings.Contains(strings.Join(onDuty, ","), w.subConsul.Id) {
		t.Errorf("on duty = %v, want the adviser's and IT's", onDuty)
	}
	if got := ids(false, "consul"); len(got) != 1 || got[0] != w.subConsul.Id {
		t.Errorf("consuls = %v", got)
	}
	if got := ids(true, "adviser", "consul"); len(got) != 1 || got[0] != w.subAdviser.Id {
		t.Errorf("advisers and consuls on duty = %v", got)
	}
}
