package schedule_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/schedule"
)

// desk is a los-angeles appliance with SMTP and SMS set up, a registrant, an adviser on duty
// and a consul off duty with a phone; nobody has a device until the test gives one.
type desk struct {
	app             *tests.TestApp
	cfg             *appliance.Config
	adviser, consul *core.Record
	alert           *core.Record
	base            time.Time // when the alert was raised
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	s := app.Settings()
	s.SMTP.Enabled = true
	s.Meta.SenderAddress = "avisos@consulado.example.org"
	cfg.PublicURL = "https://losangeles.consulado.example.org"
	cfg.SMS = appliance.SMS{AccountSID: "AC0001", AuthToken: "secret", From: "+13105550100"}
	d := &desk{app: app, cfg: cfg}
	d.adviser = apptest.Staff(t, app, "asesora@consulado.example", "adviser", true)
	d.consul = apptest.Staff(t, app, "consul@consulado.example", "consul", false)
	d.consul.Set("phone", "+13105550199")
	if err := app.Save(d.consul); err != nil {
		t.Fatal(err)
	}
	reg := apptest.Registrant(t, app, "+13105550402", apptest.Fields{"name": "Ana María López", "zip": "90012", "home_consulate": "los-angeles"})
	d.alert = apptest.Find(t, app, "alerts", apptest.Raise(t, app, cfg, reg, laLat, laLon, "").Id)
	d.base = d.alert.GetDateTime("created").Time()
	return d
}

// device gives a staff member a push subscription to a push service on loopback that answers
// status to every push.
func (d *desk) device(t *testing.T, staff *core.Record, status int) *core.Record {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	host := srv.Listener.Addr().String()
	d.cfg.PushHosts = append(d.cfg.PushHosts, host)
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	c, _ := d.app.FindCollectionByNameOrId("push_subscriptions")
	sub := core.NewRecord(c)
	sub.Set("endpoint", "http://"+host+"/push/"+rand.Text())
	sub.Set("p256dh", base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()))
	sub.Set("auth", base64.RawURLEncoding.EncodeToString(auth))
	sub.Set("staff", staff.Id)
	sub.Set("language", "es")
	if err := d.app.Save(sub); err != nil {
		t.Fatal(err)
	}
	return sub
}

// escalate runs the escalation job at after past the alert's raise.
func (d *desk) escalate(t *testing.T, after time.Duration) {
	t.Helper()
	if _, err := schedule.Escalate(d.app, d.cfg, d.base.Add(after)); err != nil {
		t.Fatalf("at %s: %v", after, err)
	}
	d.alert = apptest.Find(t, d.app, "alerts", d.alert.Id)
}

// send runs the outbox dispatcher once, at after past the alert's raise.
func (d *desk) send(t *testing.T, after time.Duration) {
	t.Helper()
	clk := apptest.NewClock(d.base.Add(after))
	disp := outbox.NewDispatcher(d.app, d.cfg, outbox.Options{Now: clk.Now})
	if _, err := disp.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := disp.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// nobodyReached checks the signal: the alert's field at the time, one event per level, and
// the consul told by e-mail and SMS.
func (d *desk) nobodyReached(t *testing.T, at time.Duration, levels ...int) {
	t.Helper()
	if got, want := d.alert.GetDateTime("nobody_reached_at").Time(), d.base.Add(at).Truncate(time.Millisecond); !got.Equal(want) {
		t.Errorf("nobody_reached_at = %s, want %s", got, want)
	}
	evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventNobodyReached)
	if len(evs) != len(levels) {
		t.Fatalf("%d nobody-reached events, want %d", len(evs), len(levels))
	}
	for i, ev := range evs {
		if want := `{"level":` + string(rune('0'+levels[i])) + `}`; ev.GetString("data") != want || !ev.GetBool("staff_only") {
			t.Errorf("event %d: %s (staff only %v), want %s, staff only", i, ev.GetString("data"), ev.GetBool("staff_only"), want)
		}
	}
	for _, channel := range []string{vocab.ChannelEmail, vocab.ChannelSMS} {
		if n := len(d.consulRows(t, channel)); n != len(levels) {
			t.Errorf("%d %s rows to the consul saying nobody was reached, want %d", n, channel, len(levels))
		}
	}
}

// consulRows are the rows telling the consul that nobody was reached, on channel.
func (d *desk) consulRows(t *testing.T, channel string) []*core.Record {
	t.Helper()
	rows, err := d.app.FindRecordsByFilter("outbox",
		"alert = {:uid} && channel = {:ch} && recipient_kind = 'staff' && recipient = {:consul} && payload ~ 'alert.nobody_reached'", "created", 0, 0,
		dbx.Params{"uid": d.alert.GetString("uid"), "ch": channel, "consul": d.consul.Id})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

type health struct {
	NobodyReached []struct {
		ID, UID, Since string
		Level          int
	}
	OnDuty []struct {
		ID, Name, Email, Role string
		Devices, Working      int
		Phone, Reachable      bool
	}
	Peers []any
}

// health reads GET /api/alertbutton/health as the consul; the app is served from then on.
func (d *desk) health(t *testing.T) health {
	t.Helper()
	status, body := apptest.Call(t, apptest.Handler(t, d.app), "GET", "/api/alertbutton/health", apptest.Token(t, d.consul), "")
	var h health
	if err := json.Unmarshal([]byte(body), &h); status != http.StatusOK || err != nil || h.Peers == nil {
		t.Fatalf("health: %d %s (%v)", status, body, err)
	}
	return h
}

// No staff device and no phone of the on-duty staff: the 2-minute step reached nobody, and it
// says so at once: the alert, its timeline, the consul (e-mail, really sent, and SMS) and the
// health route, where the adviser on duty shows unreachable.
func TestNobodyReachedWithoutDevices(t *testing.T) {
	t.Parallel()
	d := newDesk(t)

	d.escalate(t, 2*time.Minute)
	if d.alert.GetInt("escalation_level") != 1 {
		t.Fatalf("level %d", d.alert.GetInt("escalation_level"))
	}
	if evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventEscalated); len(evs) != 1 || !strings.Contains(evs[0].GetString("data"), `"notified":0`) {
		t.Fatalf("escalation events %v", evs)
	}
	d.nobodyReached(t, 2*time.Minute, 1)
	if rows := d.consulRows(t, vocab.ChannelSMS); len(rows) == 1 && strings.Contains(rows[0].GetString("payload"), "+1310") {
		t.Errorf("the SMS row holds the phone: %s", rows[0].GetString("payload"))
	}

	// Said once, not at every run.
	d.escalate(t, 2*time.Minute+10*time.Second)
	d.nobodyReached(t, 2*time.Minute, 1)

	d.send(t, 2*time.Minute+10*time.Second)
	m := d.app.TestMailer.LastMessage()
	if len(m.To) != 1 || m.To[0].Address != "consul@consulado.example" || m.Subject != "URGENTE: nadie recibió una alerta" {
		t.Fatalf("e-mail to %v: %q", m.To, m.Subject)
	}
	if row := d.consulRows(t, vocab.ChannelEmail)[0]; row.GetString("delivery") != vocab.DeliveryDelivered {
		t.Errorf("the consul's e-mail is %s", row.GetString("delivery"))
	}

	// At 10 minutes the consul, with no device, is paged at their phone: that step may reach
	// someone.
	d.escalate(t, 10*time.Minute)
	if evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventEscalated); len(evs) != 2 || !strings.Contains(evs[1].GetString("data"), `"notified":1`) {
		t.Fatalf("escalation events %v", evs)
	}
	d.nobodyReached(t, 2*time.Minute, 1)

	h := d.health(t)
	if len(h.NobodyReached) != 1 || h.NobodyReached[0].ID != d.alert.Id || h.NobodyReached[0].UID != d.alert.GetString("uid") ||
		h.NobodyReached[0].Level != 1 || h.NobodyReached[0].Since != d.base.Add(2*time.Minute).UTC().Format(time.RFC3339) {
		t.Errorf("nobodyReached %+v", h.NobodyReached)
	}
	if len(h.OnDuty) != 1 || h.OnDuty[0].ID != d.adviser.Id || h.OnDuty[0].Email != "asesora@consulado.example" || h.OnDuty[0].Role != "adviser" ||
		h.OnDuty[0].Devices != 0 || h.OnDuty[0].Phone || h.OnDuty[0].Reachable {
		t.Errorf("onDuty %+v", h.OnDuty)
	}
}

// A device that works until its push fails: the step counted it, so nothing is said at 2
// minutes; the push service answers 503, and the next run says nobody was reached. The
// adviser on duty then shows a device that does not work.
func TestNobodyReachedWhenThePushFails(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.device(t, d.adviser, http.StatusServiceUnavailable)

	d.escalate(t, 2*time.Minute)
	if evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventNobodyReached); len(evs) != 0 || !d.alert.GetDateTime("nobody_reached_at").IsZero() {
		t.Fatalf("nobody reached before a push was tried: %v", evs)
	}
	d.send(t, 2*time.Minute+time.Second)
	d.escalate(t, 2*time.Minute+10*time.Second)
	d.nobodyReached(t, 2*time.Minute+10*time.Second, 1)

	h := d.health(t)
	if len(h.NobodyReached) != 1 || h.NobodyReached[0].Level != 1 {
		t.Errorf("nobodyReached %+v", h.NobodyReached)
	}
	if len(h.OnDuty) != 1 || h.OnDuty[0].Devices != 1 || h.OnDuty[0].Working != 0 || h.OnDuty[0].Reachable {
		t.Errorf("onDuty %+v", h.OnDuty)
	}
}

// A device whose push gets through: nobody-reached is never said, and the adviser shows
// reachable.
func TestNoSignalWhenAPushGetsThrough(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.device(t, d.adviser, http.StatusCreated)

	d.escalate(t, 2*time.Minute)
	d.send(t, 2*time.Minute+time.Second)
	d.escalate(t, 2*time.Minute+10*time.Second)
	d.escalate(t, 5*time.Minute)
	if evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventNobodyReached); len(evs) != 0 || !d.alert.GetDateTime("nobody_reached_at").IsZero() {
		t.Fatalf("nobody reached though a push got through: %v", evs)
	}
	if rows := d.consulRows(t, vocab.ChannelEmail); len(rows) != 0 {
		t.Fatalf("the consul was told nobody was reached")
	}
	h := d.health(t)
	if len(h.NobodyReached) != 0 || len(h.OnDuty) != 1 || h.OnDuty[0].Working != 1 || !h.OnDuty[0].Reachable {
		t.Errorf("health %+v", h)
	}
}

// An on-duty adviser with no device but a phone is paged by SMS, which counts as reaching
// them; without SMS set up the phone reaches nobody.
func TestAPhoneReachesWhenSMSIsSetUp(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.adviser.Set("phone", "+13105550198")
	if err := d.app.Save(d.adviser); err != nil {
		t.Fatal(err)
	}
	d.escalate(t, 2*time.Minute)
	pages, err := d.app.FindRecordsByFilter("outbox", "alert = {:uid} && channel = 'sms' && recipient = {:adviser}", "", 0, 0,
		dbx.Params{"uid": d.alert.GetString("uid"), "adviser": d.adviser.Id})
	if err != nil || len(pages) != 1 || pages[0].GetString("recipient_kind") != vocab.RecipientStaff {
		t.Fatalf("pages to the adviser: %v (%v)", pages, err)
	}
	if evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventNobodyReached); len(evs) != 0 {
		t.Fatalf("nobody reached though the adviser was paged")
	}

	d.cfg.SMS = appliance.SMS{}
	if h := d.health(t); len(h.OnDuty) != 1 || !h.OnDuty[0].Phone || h.OnDuty[0].Reachable {
		t.Errorf("onDuty without SMS %+v", h.OnDuty)
	}
}

// A step whose pushes nothing sends: within a minute it may still reach someone; after, it
// reached nobody. The clock here is the wall clock, which the step's time is.
func TestNobodyReachedWhenNothingSends(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.device(t, d.adviser, http.StatusCreated)
	d.escalate(t, 2*time.Minute)

	d.base = time.Now()
	d.escalate(t, 30*time.Second)
	if evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventNobodyReached); len(evs) != 0 {
		t.Fatalf("nobody reached before the dispatcher had a chance")
	}
	d.escalate(t, 61*time.Second)
	d.nobodyReached(t, 61*time.Second, 1)
}

// The 2-minute step reached the adviser, but the consuls have no device and SMS is not set
// up: the 10-minute step reached nobody, and says so for that level (by e-mail alone).
func TestNobodyReachedAtTheConsulsStep(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.cfg.SMS = appliance.SMS{}
	d.device(t, d.adviser, http.StatusCreated)
	d.escalate(t, 2*time.Minute)
	d.send(t, 2*time.Minute+time.Second)
	d.escalate(t, 2*time.Minute+10*time.Second)
	if !d.alert.GetDateTime("nobody_reached_at").IsZero() {
		t.Fatal("nobody reached though the adviser's push got through")
	}

	d.escalate(t, 10*time.Minute)
	evs := apptest.Events(t, d.app, d.alert.Id, vocab.EventNobodyReached)
	if len(evs) != 1 || evs[0].GetString("data") != `{"level":2}` {
		t.Fatalf("nobody-reached events %v", evs)
	}
	if got := d.alert.GetDateTime("nobody_reached_at").Time(); !got.Equal(d.base.Add(10 * time.Minute)) {
		t.Errorf("nobody_reached_at %s", got)
	}
	if e, s := len(d.consulRows(t, vocab.ChannelEmail)), len(d.consulRows(t, vocab.ChannelSMS)); e != 1 || s != 0 {
		t.Errorf("consul told by %d e-mails and %d SMS, want 1 and none", e, s)
	}
	if h := d.health(t); len(h.NobodyReached) != 1 || h.NobodyReached[0].Level != 2 {
		t.Errorf("nobodyReached %+v", h.NobodyReached)
	}
}
