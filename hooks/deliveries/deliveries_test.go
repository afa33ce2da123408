package deliveries_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/deliveries"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

// world is an alert of Ana's, raised here, and who it was for: José (a device), María (an
// e-mail address), Pedro (nothing to send to), Luis (added after the raise) and Laura, the
// adviser on duty (a device).
type world struct {
	t                        *testing.T
	app                      *tests.TestApp
	alert                    *core.Record
	jose, maria, pedro, luis *core.Record
	laura                    *core.Record
}

func newWorld(t *testing.T) *world {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	w := &world{t: t, app: app}
	ana := apptest.Registrant(t, app, "+13105550141", apptest.Fields{"name": "Ana López", "disclosure": "status", "home_consulate": "los-angeles"})
	w.jose = apptest.Contact(t, app, ana, apptest.Fields{"name": "José"})
	apptest.Subscription(t, app, "contact", w.jose.Id, "es")
	w.maria = apptest.Contact(t, app, ana, apptest.Fields{"name": "María", "email": "maria@familia.example"})
	w.pedro = apptest.Contact(t, app, ana, apptest.Fields{"name": "Pedro"})
	w.laura = apptest.Staff(t, app, "laura@consulado.example", "adviser", true)
	w.laura.Set("name", "Laura")
	if err := app.Save(w.laura); err != nil {
		t.Fatal(err)
	}
	apptest.Subscription(t, app, "staff", w.laura.Id, "es")
	w.alert = apptest.Raise(t, app, cfg, ana, 34.05, -118.24, "")
	w.luis = apptest.Contact(t, app, ana, apptest.Fields{"name": "Luis"})
	// Luis came after the alert, whatever the clock's resolution.
	if _, err := app.DB().Update("contacts", dbx.Params{"created": time.Now().Add(time.Minute).UTC().Format("2006-01-02 15:04:05.000Z")},
		dbx.HashExp{"id": w.luis.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	return w
}

// settle records each row's outcome as its channel would: José's push delivered, María's
// e-mail refused; Laura's push is still queued.
func (w *world) settle() {
	w.t.Helper()
	rows, err := w.app.FindAllRecords("outbox", dbx.HashExp{"alert": w.alert.GetString("uid")})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, row := range rows {
		switch row.GetString("recipient") {
		case w.jose.Id:
			outbox.Sent(row, time.Now())
		case w.maria.Id:
			outbox.Dead(row, "the mail server refused the address (550)")
		default:
			continue
		}
		if err := records.Save(w.app, row); err != nil {
			w.t.Fatal(err)
		}
	}
}

func find(rs []deliveries.Recipient, id string) *deliveries.Recipient {
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i]
		}
	}
	return nil
}

func TestDeliveriesOfAnAlert(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.settle()
	got, err := deliveries.Of(w.app, w.alert)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{ // id: kind, name, state
		w.jose.Id:  {"contact", "José", "delivered"},
		w.maria.Id: {"contact", "María", "failed"},
		w.pedro.Id: {"contact", "Pedro", "unreachable"},
		w.laura.Id: {"staff", "Laura", "queued"},
	}
	for id, wnt := range want {
		r := find(got, id)
		if r == nil {
			t.Errorf("%s is missing", wnt[1])
			continue
		}
		if g := [3]string{r.Kind, r.Name, r.State}; g != wnt {
			t.Errorf("got %q, want %q", g, wnt)
		}
	}
	if find(got, w.luis.Id) != nil {
		t.Error("Luis, added after the alert, is listed")
	}
	if len(got) != len(want) {
		t.Errorf("%d recipients, want %d: %+v", len(got), len(want), got)
	}
	jose, maria, pedro := find(got, w.jose.Id), find(got, w.maria.Id), find(got, w.pedro.Id)
	if c := jose.Best(); c.Channel != "push" || c.State != "delivered" || c.At == "" || c.Why != "" {
		t.Errorf("José's push: %+v", c)
	}
	if c := maria.Best(); c.Channel != "email" || c.State != "failed" || !strings.Contains(c.Why, "550") {
		t.Errorf("María's e-mail: %+v", c)
	}
	if len(pedro.Channels) != 0 {
		t.Errorf("Pedro has channels: %+v", pedro.Channels)
	}
}

// The best state wins, channel by channel and for the person: one device delivered is
// enough, whatever the other's.
func TestBestStateWins(t *testing.T) {
	t.Parallel()
	order := []string{deliveries.Unreachable, vocab.DeliveryFailed, vocab.DeliveryQueued, vocab.DeliverySent, vocab.DeliveryDelivered}
	for i := 1; i < len(order); i++ {
		if !deliveries.Better(order[i], order[i-1]) || deliveries.Better(order[i-1], order[i]) {
			t.Errorf("%s should beat %s", order[i], order[i-1])
		}
	}
	w := newWorld(t)
	apptest.Subscription(t, w.app, "contact", w.jose.Id, "es") // a second device, after the raise
	rows, _ := w.app.FindAllRecords("outbox", dbx.HashExp{"alert": w.alert.GetString("uid"), "recipient": w.jose.Id})
	if len(rows) != 1 {
		t.Fatalf("%d rows for José", len(rows))
	}
	// A later notice to José fails; his first was delivered.
	outbox.Sent(rows[0], time.Now())
	records.Save(w.app, rows[0])
	sub, _ := w.app.FindFirstRecordByData("push_subscriptions", "contact", w.jose.Id)
	if err := w.app.RunInTransaction(func(tx core.App) error {
		p := statusPayload(w.alert.GetString("uid"))
		return outbox.Push(tx, sub, p)
	}); err != nil {
		t.Fatal(err)
	}
	rows, _ = w.app.FindAllRecords("outbox", dbx.HashExp{"alert": w.alert.GetString("uid"), "recipient": w.jose.Id, "delivery": "queued"})
	outbox.Dead(rows[0], "gone")
	records.Save(w.app, rows[0])
	got, _ := deliveries.Of(w.app, w.alert)
	if r := find(got, w.jose.Id); r == nil || r.State != "delivered" || len(r.Channels) != 1 || r.Channels[0].State != "delivered" {
		t.Fatalf("José: %+v", r)
	}
}

// The staff route answers the contract's shape to case staff, and audits the alert and
// every person it names before answering; with the audit log broken it names nobody.
func TestDeliveriesRouteIsAudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.settle()
	h := apptest.Handler(t, w.app)
	adviser := apptest.Staff(t, w.app, "asesor@consulado.example", "adviser", false)
	token := apptest.Token(t, adviser)
	path := "/api/alertbutton/alerts/" + w.alert.Id + "/deliveries"
	status, body := apptest.Call(t, h, http.MethodGet, path, token, "")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var answer struct {
		Recipients []struct {
			Kind, ID, Name, State string
			Channels              []struct{ Channel, State, At, Why string }
		}
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil || len(answer.Recipients) != 4 {
		t.Fatalf("answer %s (%v)", body, err)
	}
	for _, id := range []string{w.alert.Id, w.jose.Id, w.maria.Id, w.pedro.Id} {
		n, err := w.app.CountRecords("audit_log", dbx.HashExp{"actor": "staff:" + adviser.Id, "action": "view_deliveries", "record_id": id})
		if err != nil || n != 1 {
			t.Errorf("%s audited %d times (%v), want 1", id, n, err)
		}
	}
	if _, err := w.app.DB().NewQuery("CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'broken'); END").Execute(); err != nil {
		t.Fatal(err)
	}
	status, body = apptest.Call(t, h, http.MethodGet, path, token, "")
	if status != 500 || strings.Contains(body, "José") || strings.Contains(body, w.jose.Id) {
		t.Fatalf("with the audit log broken: %d %s", status, body)
	}
}

func statusPayload(uid string) push.Payload {
	return push.Payload{Type: "alert.status", Alert: uid, Title: "t", Body: "b", URL: "/family/", Lang: "es"}
}
