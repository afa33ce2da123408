package checkins_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/checkins"
	"alertbutton/hooks/privacy"
)

func TestArmThroughRecordsAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h := apptest.Handler(t, w.app)
	path := "/api/collections/checkins/records"
	body := func(owner string, due time.Time, extra string) string {
		return `{"registrant":"` + owner + `","due_at":"` + dateJSON(due) + `"` + extra + `}`
	}

	status, res := call(t, h, http.MethodPost, path, w.tokA, body(w.a.Id, time.Now().Add(2*time.Hour), `,"place":"`+secretPlace+`"`))
	if status != http.StatusOK || res["status"] != checkins.StatusArmed || res["place"] != secretPlace {
		t.Fatalf("arm: %d %v", status, res)
	}
	stored := apptest.Find(t, w.app, "checkins", res["id"].(string))
	if stored.GetString("place") == secretPlace || strings.Contains(stored.GetString("place"), "SENTINEL") {
		t.Error("the place is stored in the clear")
	}

	status, res = call(t, h, http.MethodPost, path, w.tokA, body(w.a.Id, time.Now().Add(-time.Minute), ""))
	if status != http.StatusBadRequest || fieldCode(res, "due_at") != "due_in_past" || fieldMessage(res, "due_at") != "Elige una hora en el futuro." {
		t.Errorf("past due_at: %d %v", status, res)
	}
	status, res = call(t, h, http.MethodPost, path, w.tokB, body(w.b.Id, time.Now().Add(8*24*time.Hour), ""))
	if status != http.StatusBadRequest || fieldCode(res, "due_at") != "due_too_far" || fieldMessage(res, "due_at") != "Choose a time within the next 7 days." {
		t.Errorf("due_at in 8 days: %d %v", status, res)
	}
	status, res = call(t, h, http.MethodPost, path, w.tokA, body(w.a.Id, time.Now().Add(time.Hour), `,"place":"`+strings.Repeat("x", 501)+`"`))
	if status != http.StatusBadRequest || fieldCode(res, "place") != "place_too_long" {
		t.Errorf("long place: %d %v", status, res)
	}
	status, _ = call(t, h, http.MethodPost, path, w.tokA, body(w.a.Id, time.Now().Add(time.Hour), `,"status":"done"`))
	if status != http.StatusBadRequest {
		t.Errorf("setting the status: %d, want 400", status)
	}
	status, _ = call(t, h, http.MethodPost, path, w.tokB, body(w.a.Id, time.Now().Add(time.Hour), ""))
	if status != http.StatusBadRequest {
		t.Errorf("arming someone else's timer: %d, want 400", status)
	}
	if n := apptest.Count(t, w.app, "checkins"); n != 1 {
		t.Errorf("%d check-ins stored, want 1", n)
	}
}

func TestDoneDisarms(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h := apptest.Handler(t, w.app)
	due := time.Now().Add(time.Hour)
	c := apptest.Checkin(t, w.app, w.a, due, secretPlace)
	path := "/api/alertbutton/checkins/" + c.Id + "/done"

	if status, _ := call(t, h, http.MethodPost, path, "", ""); status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", status)
	}
	status, res := call(t, h, http.MethodPost, path, w.tokB, "")
	if status != http.StatusNotFound || res["message"] != "We did not find that timer." {
		t.Errorf("another registrant: %d %v", status, res)
	}
	if status, _ := call(t, h, http.MethodPost, "/api/alertbutton/checkins/nosuchid0000000/done", w.tokA, ""); status != http.StatusNotFound {
		t.Errorf("missing: %d, want 404", status)
	}
	if got := apptest.Find(t, w.app, "checkins", c.Id).GetString("status"); got != checkins.StatusArmed {
		t.Fatalf("refused requests changed the status to %q", got)
	}

	status, res = call(t, h, http.MethodPost, path, w.tokA, "")
	if status != http.StatusOK || res["status"] != checkins.StatusDone || res["place"] != secretPlace {
		t.Fatalf("owner: %d %v", status, res)
	}
	if status, res := call(t, h, http.MethodPost, path, w.tokA, ""); status != http.StatusOK || res["status"] != checkins.StatusDone {
		t.Errorf("done again: %d %v", status, res)
	}
	n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due.Add(time.Hour))
	if err != nil || n != 0 || apptest.Count(t, w.app, "alerts") != 0 {
		t.Errorf("a disarmed timer fired: %d %v, %d alerts", n, err, apptest.Count(t, w.app, "alerts"))
	}
}

func TestDoneAfterFiringKeepsTheAlert(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h := apptest.Handler(t, w.app)
	due := time.Now().Add(time.Hour)
	c := apptest.Checkin(t, w.app, w.a, due, secretPlace)
	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due.Add(time.Second)); n != 1 || err != nil {
		t.Fatalf("FireDue: %d %v", n, err)
	}

	status, res := call(t, h, http.MethodPost, "/api/alertbutton/checkins/"+c.Id+"/done", w.tokA, "")
	if status != http.StatusConflict || !strings.Contains(res["message"].(string), "«Estoy a salvo»") {
		t.Fatalf("done after firing: %d %v", status, res)
	}
	c = apptest.Find(t, w.app, "checkins", c.Id)
	alert := apptest.Find(t, w.app, "alerts", c.GetString("alert"))
	if c.GetString("status") != checkins.StatusFired || alert.GetString("status") != alerts.StatusNew {
		t.Errorf("check-in %s, alert %s: want fired and new", c.GetString("status"), alert.GetString("status"))
	}

	// Nor can the records API move it back.
	status, _ = call(t, h, http.MethodPatch, "/api/collections/checkins/records/"+c.Id, w.tokA,
		`{"due_at":"`+dateJSON(time.Now().Add(3*time.Hour))+`"}`)
	if status != http.StatusConflict {
		t.Errorf("moving a fired timer: %d, want 409", status)
	}
	if got := apptest.Find(t, w.app, "checkins", c.Id); got.GetString("status") != checkins.StatusFired || got.GetString("alert") != alert.Id {
		t.Errorf("the fired timer changed: %s %s", got.GetString("status"), got.GetString("alert"))
	}
}

func TestMoveArmedTimer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	h := apptest.Handler(t, w.app)
	c := apptest.Checkin(t, w.app, w.a, time.Now().Add(time.Hour), "")
	path := "/api/collections/checkins/records/" + c.Id
	later := time.Now().Add(3 * time.Hour).Truncate(time.Millisecond)

	if status, res := call(t, h, http.MethodPatch, path, w.tokA, `{"due_at":"`+dateJSON(later)+`"}`); status != http.StatusOK || res["status"] != checkins.StatusArmed {
		t.Fatalf("moving: %d %v", status, res)
	}
	if got := apptest.Find(t, w.app, "checkins", c.Id).GetDateTime("due_at").Time(); !got.Equal(later) {
		t.Errorf("due_at %v, want %v", got, later)
	}
	status, res := call(t, h, http.MethodPatch, path, w.tokA, `{"due_at":"`+dateJSON(time.Now().Add(-time.Hour))+`"}`)
	if status != http.StatusBadRequest || fieldCode(res, "due_at") != "due_in_past" {
		t.Errorf("moving into the past: %d %v", status, res)
	}
}

func TestFireDue(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	due := time.Now().Add(time.Hour)
	c := apptest.Checkin(t, w.app, w.a, due, secretPlace)
	other := apptest.Checkin(t, w.app, w.b, due.Add(time.Hour), "")

	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due.Add(-time.Second)); n != 0 || err != nil {
		t.Fatalf("before due: %d %v", n, err)
	}
	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due); n != 1 || err != nil {
		t.Fatalf("at due: %d %v", n, err)
	}
	c = apptest.Find(t, w.app, "checkins", c.Id)
	if c.GetString("status") != checkins.StatusFired || c.GetString("alert") == "" {
		t.Fatalf("check-in: status %q alert %q", c.GetString("status"), c.GetString("alert"))
	}
	alert := apptest.Find(t, w.app, "alerts", c.GetString("alert"))
	if alert.GetString("uid") != checkins.AlertUID(c) || alert.GetString("source") != alerts.SourceCheckin ||
		alert.GetString("kind") != "checkin_missed" || alert.GetString("registrant") != w.a.Id || alert.GetString("status") != alerts.StatusNew {
		t.Errorf("alert %v", alert.FieldsData())
	}
	if loc, err := privacy.Open(w.cfg.Sealer(), alert, "location"); err != nil || loc != secretPlace {
		t.Errorf("alert location %q %v, want the check-in's place", loc, err)
	}
	if alert.GetString("location") == secretPlace {
		t.Error("the alert's location is stored in the clear")
	}
	ev, err := w.app.FindFirstRecordByFilter("alert_events", "alert = {:id} && type = 'created'", dbx.Params{"id": alert.Id})
	if err != nil || ev.GetString("actor") != "checkin:"+c.Id {
		t.Errorf("created event: %v %v", ev, err)
	}

	for _, now := range []time.Time{due.Add(time.Minute), due.Add(time.Minute)} {
		if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, now); n != 0 || err != nil {
			t.Errorf("again: fired %d %v", n, err)
		}
	}
	if n := apptest.Count(t, w.app, "alerts"); n != 1 {
		t.Errorf("%d alerts, want 1", n)
	}
	if got := apptest.Find(t, w.app, "checkins", other.Id).GetString("status"); got != checkins.StatusArmed {
		t.Errorf("a timer not yet due is %q", got)
	}
}

func TestFireDueConcurrentlyFiresEachOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	due := time.Now().Add(time.Hour)
	for i := 0; i < 6; i++ {
		owner := w.a
		if i%2 == 1 {
			owner = w.b
		}
		apptest.Checkin(t, w.app, owner, due.Add(time.Duration(i)*time.Second), "")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 6 {
		t.Errorf("fired %d in all, want 6", total)
	}
	if n := apptest.Count(t, w.app, "alerts"); n != 6 {
		t.Errorf("%d alerts, want 6", n)
	}
	var created int
	w.app.DB().Select("count(*)").From("alert_events").Where(dbx.HashExp{"type": "created"}).Row(&created)
	if created != 6 {
		t.Errorf("%d alerts announced, want 6", created)
	}
}

// An alert raised by an earlier attempt (a crash after a partial retry, a second appliance
// process) is the one the check-in links to: no second alert, no second announcement.
func TestFireReusesTheSameAlert(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	due := time.Now().Add(time.Hour)
	c := apptest.Checkin(t, w.app, w.a, due, "")
	first, created, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), alerts.Draft{
		UID: checkins.AlertUID(c), Kind: "checkin_missed", Source: alerts.SourceCheckin, Registrant: w.a,
	})
	if err != nil || !created {
		t.Fatal(err)
	}
	outbox := apptest.Count(t, w.app, "outbox")
	if n, err := checkins.FireDue(w.app, w.cfg, apptest.Directory(w.app), apptest.Appliance(w.app).Guard, due.Add(time.Second)); n != 1 || err != nil {
		t.Fatalf("FireDue: %d %v", n, err)
	}
	if got := apptest.Find(t, w.app, "checkins", c.Id).GetString("alert"); got != first.Id {
		t.Errorf("linked to %q, want the existing alert %q", got, first.Id)
	}
	if apptest.Count(t, w.app, "alerts") != 1 || apptest.Count(t, w.app, "outbox") != outbox {
		t.Error("a second alert or notification")
	}
}

func TestAlertUID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c1 := apptest.Checkin(t, w.app, w.a, time.Now().Add(time.Hour), "")
	c2 := apptest.Checkin(t, w.app, w.a, time.Now().Add(time.Hour), "")
	re := regexp.MustCompile(vocab.AlertUIDPattern)
	u1 := checkins.AlertUID(c1)
	if !re.MatchString(u1) || !strings.HasPrefix(u1[14:], "7") {
		t.Errorf("%q is not a UUIDv7", u1)
	}
	if again := checkins.AlertUID(apptest.Find(t, w.app, "checkins", c1.Id)); again != u1 {
		t.Errorf("uid changed on reload: %s, %s", u1, again)
	}
	if checkins.AlertUID(c2) == u1 {
		t.Error("two check-ins share an alert uid")
	}
}
