package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
	"alertbutton/hooks/replication"
	"alertbutton/server"
)

const scrapeToken = "scrape-token-0123456789abcdef"

// world is an appliance whose metrics route is served with its clock and disk in the test's
// hands; the dispatchers do not run, so the outbox rows stay as the test leaves them.
type world struct {
	t     *testing.T
	app   *tests.TestApp
	a     *server.Appliance
	h     http.Handler
	clock *apptest.Clock
	free  uint64
}

func newWorld(t *testing.T) *world {
	app := apptest.NewBare(t)
	cfg := apptest.Configure(t, app, "los-angeles")
	cfg.Ops.MetricsToken = scrapeToken
	a := apptest.Bind(app, cfg)
	w := &world{t: t, app: app, a: a, clock: apptest.NewClock(time.Now()), free: 10 << 30}
	a.Metrics.Now = w.clock.Now
	a.Metrics.Free = func(string) (uint64, error) { return w.free, nil }
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	r.Bind(a.Metrics.Requests())
	r.GET("/api/alertbutton/metrics", a.Metrics.Route)
	r.GET("/api/alertbutton/alerts/{uid}", func(e *core.RequestEvent) error { return e.NoContent(http.StatusNoContent) })
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	w.h = mux
	return w
}

// scrape reads the metrics as a Prometheus server does, with the scrape token.
func (w *world) scrape() map[string]*dto.MetricFamily {
	w.t.Helper()
	code, body := apptest.Call(w.t, w.h, "GET", "/api/alertbutton/metrics", "Bearer "+scrapeToken, "")
	if code != http.StatusOK {
		w.t.Fatalf("scrape: %d %s", code, body)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		w.t.Fatalf("not Prometheus' text format: %v\n%s", err, body)
	}
	return fams
}

// value is the metric name's value whose labels include labels ("k=v" pairs): a gauge's or
// counter's value, a histogram's count; 0 when there is none (a peer without a backlog).
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		return 0
	}
	for _, m := range f.Metric {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for _, want := range labels {
		found := false
		for _, l := range m.Label {
			if l.GetName()+"="+l.GetValue() == want {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// moved asserts that the metric changed by want between two scrapes.
func moved(t *testing.T, before, after map[string]*dto.MetricFamily, want float64, name string, labels ...string) {
	t.Helper()
	if got := value(t, after, name, labels...) - value(t, before, name, labels...); got != want {
		t.Errorf("%s%v moved by %v, want %v", name, labels, got, want)
	}
}

func (w *world) save(r *core.Record) {
	w.t.Helper()
	if err := records.Save(w.app, r); err != nil {
		w.t.Fatal(err)
	}
}

// Every metric the issue names moves when what it counts happens.
func TestEveryMetricMovesWithItsCause(t *testing.T) {
	w := newWorld(t)
	reg := apptest.Registrant(t, w.app, "+13105550190", nil)
	contact := apptest.Contact(t, w.app, reg, nil)
	sub := apptest.Subscription(t, w.app, "registrant", reg.Id, "es")
	before := w.scrape()

	// An alert is raised: one more new alert, waiting.
	alert := apptest.Raise(t, w.app, apptest.ConfigOf(w.app), reg, 34.05, -118.24, "")
	w.clock.Add(90 * time.Second)
	raised := w.scrape()
	moved(t, before, raised, 1, "alertbutton_alerts", "state=new")
	moved(t, before, raised, 1, "alertbutton_unacknowledged_age_seconds")
	if got := value(t, raised, "alertbutton_unacknowledged_oldest_seconds"); got < 85 {
		t.Errorf("oldest unacknowledged alert is %vs old, want about 90", got)
	}

	// Notices are queued on every channel: the outbox grows and ages, the relay's backlog
	// to the peer grows.
	p := push.Payload{Alert: alert.GetString("uid")}
	for _, queue := range []func() error{
		func() error { return outbox.Push(w.app, sub, p) },
		func() error { return outbox.Email(w.app, contact.Id, p) },
		func() error {
			return outbox.SMS(w.app, outbox.Recipient{Kind: vocab.RecipientContact, ID: contact.Id}, p)
		},
		func() error { return outbox.Federation(w.app, "san-diego", "alert", alert.GetString("uid")) },
	} {
		if err := queue(); err != nil {
			t.Fatal(err)
		}
	}
	w.clock.Add(time.Minute)
	queued := w.scrape()
	for _, ch := range vocab.Channels {
		moved(t, raised, queued, 1, "alertbutton_outbox_pending", "channel="+ch)
		if got := value(t, queued, "alertbutton_outbox_oldest_seconds", "channel="+ch); got < 55 {
			t.Errorf("oldest %s notice is %vs old, want about 60", ch, got)
		}
	}
	moved(t, raised, queued, 1, "alertbutton_relay_backlog", "peer=san-diego")

	// A push is delivered, another fails; an SMS is delivered, another fails.
	rows := map[string][]*core.Record{}
	all, err := w.app.FindAllRecords("outbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		rows[r.GetString("channel")] = append(rows[r.GetString("channel")], r)
	}
	now := w.clock.Now()
	outbox.Sent(rows[vocab.ChannelPush][0], now)
	w.save(rows[vocab.ChannelPush][0])
	if err := outbox.Push(w.app, sub, p); err != nil {
		t.Fatal(err)
	}
	second := latest(t, w.app, vocab.ChannelPush)
	outbox.Dead(second, "the push service answered 410: the subscription is gone")
	w.save(second)
	// The SMS in a transaction, as the dispatcher's group commit saves: counted once committed.
	sms := rows[vocab.ChannelSMS][0]
	outbox.Sent(sms, now)
	if err := w.app.RunInTransaction(func(tx core.App) error { return records.Save(tx, sms) }); err != nil {
		t.Fatal(err)
	}
	outcomes := w.scrape()
	moved(t, queued, outcomes, 1, "alertbutton_notices_total", "channel=push", "outcome=delivered")
	moved(t, queued, outcomes, 1, "alertbutton_notices_total", "channel=push", "outcome=failed")
	moved(t, queued, outcomes, 1, "alertbutton_notices_total", "channel=sms", "outcome=delivered")
	moved(t, queued, outcomes, -1, "alertbutton_outbox_pending", "channel=sms")

	// The alert is acknowledged: no longer waiting, and its time to acknowledge is counted.
	alert = apptest.Find(t, w.app, "alerts", alert.Id) // as the case desk loads it
	alert.Set("status", vocab.StatusAcknowledged)
	if err := w.app.Save(alert); err != nil {
		t.Fatal(err)
	}
	acked := w.scrape()
	moved(t, outcomes, acked, -1, "alertbutton_alerts", "state=new")
	moved(t, outcomes, acked, 1, "alertbutton_alerts", "state=acknowledged")
	moved(t, outcomes, acked, -1, "alertbutton_unacknowledged_age_seconds")
	moved(t, outcomes, acked, 1, "alertbutton_alert_acknowledge_seconds")
	if got := value(t, acked, "alertbutton_unacknowledged_oldest_seconds"); got != 0 {
		t.Errorf("oldest unacknowledged is %v with none waiting", got)
	}

	// The disk fills, the replication falls behind.
	w.free = 1 << 30
	replication.Report(func() replication.Status { return replication.Status{On: true, Lag: 3 * time.Second} })
	t.Cleanup(func() { replication.Report(nil) })
	later := w.scrape()
	moved(t, acked, later, -9<<30, "alertbutton_disk_free_bytes")
	moved(t, acked, later, 3, "alertbutton_replication_lag_seconds")
	moved(t, acked, later, 1, "alertbutton_replication_on")

	// Requests are timed by their route's pattern, never their path (which holds ids).
	apptest.Call(t, w.h, "GET", "/api/alertbutton/alerts/"+alert.GetString("uid"), "", "")
	timed := w.scrape()
	moved(t, later, timed, 1, "alertbutton_http_request_duration_seconds", "route=/api/alertbutton/alerts/{uid}", "code=2xx")
	for _, m := range timed["alertbutton_http_request_duration_seconds"].Metric {
		for _, l := range m.Label {
			if strings.Contains(l.GetValue(), alert.GetString("uid")) {
				t.Errorf("a label holds the alert's uid: %s=%s", l.GetName(), l.GetValue())
			}
		}
	}

	// Every metric is there, the Go runtime's too.
	for _, name := range []string{"alertbutton_alerts", "alertbutton_unacknowledged_oldest_seconds",
		"alertbutton_unacknowledged_age_seconds", "alertbutton_alert_acknowledge_seconds", "alertbutton_outbox_pending",
		"alertbutton_outbox_oldest_seconds", "alertbutton_notices_total", "alertbutton_relay_backlog",
		"alertbutton_relay_oldest_seconds", "alertbutton_replication_lag_seconds", "alertbutton_replication_stalled",
		"alertbutton_disk_free_bytes", "alertbutton_http_request_duration_seconds", "go_goroutines", "go_memstats_heap_alloc_bytes"} {
		if _, ok := timed[name]; !ok {
			t.Errorf("no metric %s", name)
		}
	}
}

// latest is the newest outbox row of channel.
func latest(t *testing.T, app core.App, channel string) *core.Record {
	t.Helper()
	rs, err := app.FindRecordsByFilter("outbox", "channel = {:c}", "-created,-id", 1, 0, map[string]any{"c": channel})
	if err != nil || len(rs) == 0 {
		t.Fatalf("no %s row: %v", channel, err)
	}
	return rs[0]
}

// Only IT and the scrape token read the metrics: the case staff, the people and the
// anonymous do not, whatever the token they try.
func TestMetricsAreForITOrTheScrapeToken(t *testing.T) {
	w := newWorld(t)
	it := apptest.Staff(t, w.app, "it@consulado.example", "it", false)
	adviser := apptest.Staff(t, w.app, "asesora@consulado.example", "adviser", false)
	reg := apptest.Registrant(t, w.app, "+13105550191", nil)
	for _, c := range []struct {
		name, auth string
		want       int
	}{
		{"IT", apptest.Token(t, it), 200},
		{"the scrape token", "Bearer " + scrapeToken, 200},
		{"a wrong token", "Bearer " + strings.Repeat("x", len(scrapeToken)), 401},
		{"the anonymous", "", 401},
		{"an adviser", apptest.Token(t, adviser), 403},
		{"a registrant", apptest.Token(t, reg), 403},
	} {
		code, body := apptest.Call(t, w.h, "GET", "/api/alertbutton/metrics", c.auth, "")
		if code != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, code, c.want, body)
		}
		if code == 200 && !strings.Contains(body, "alertbutton_alerts{") {
			t.Errorf("%s: no metrics in %s", c.name, body)
		}
	}
}

// The appliance serves the metrics and the ready check at their addresses (server/routes.go).
func TestTheApplianceServesMetricsAndReady(t *testing.T) {
	app, _ := apptest.New(t, "los-angeles")
	apptest.Appliance(app).Ready.Free = func(string) (uint64, error) { return 10 << 30, nil }
	h := apptest.Handler(t, app)
	it := apptest.Staff(t, app, "it@consulado.example", "it", false)
	if code, body := apptest.Call(t, h, "GET", "/api/alertbutton/metrics", apptest.Token(t, it), ""); code != 200 || !strings.Contains(body, "alertbutton_outbox_pending") {
		t.Fatalf("metrics: %d %s", code, body)
	}
	if code, body := apptest.Call(t, h, "GET", "/api/alertbutton/ready", "", ""); code != 200 {
		t.Fatalf("ready: %d %s", code, body)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/alertbutton/metrics", nil))
	if rec.Code != 401 {
		t.Fatalf("anonymous metrics: %d", rec.Code)
	}
}
