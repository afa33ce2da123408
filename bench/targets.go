package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// Points alerts are raised at.
var (
	pointLA     = [2]float64{34.0522, -118.2437} // Los Angeles County: los-angeles's own jurisdiction
	pointFresno = [2]float64{36.7378, -119.7871} // Fresno County: fresno's
)

const benchNote = "Se llevaron a mi esposo del trabajo, calle 5 y Main. Bench."

// jitter moves a point up to ~1 km, so that lookups are not all of one point.
func jitter(p [2]float64) (float64, float64) {
	return p[0] + (rand.Float64()-0.5)*0.02, p[1] + (rand.Float64()-0.5)*0.02
}

func newUID() string {
	id, err := uuid.NewV7()
	if err != nil {
		panic(err)
	}
	return id.String()
}

// alertBody is what the phone app posts to /api/alertbutton/alerts.
func alertBody(p [2]float64) []byte {
	lat, lon := jitter(p)
	b, _ := json.Marshal(map[string]any{
		"uid": newUID(), "kind": "detained", "lat": lat, "lon": lon, "accuracy": 25, "note": benchNote,
	})
	return b
}

// stockBody is a comparable record for stock PocketBase's alerts collection.
func stockBody(p [2]float64, registrant string) []byte {
	lat, lon := jitter(p)
	b, _ := json.Marshal(map[string]any{
		"uid": newUID(), "registrant": registrant, "source": "button", "kind": "detained", "status": "new",
		"lat": lat, "lon": lon, "accuracy": 25, "note": benchNote,
	})
	return b
}

// target is one server under load and how to make its requests.
type target struct {
	label string
	srv   *server
	url   string
	pool  *pool // nil for stock PocketBase
	next  func() ([]byte, string)
}

// limitSpacing is how long a registrant's turns in a pool must be apart: the appliance
// allows 3 new alerts a minute per registrant, so 25 s apart is never limited.
const limitSpacing = 25

// registrantsFor is how many registrants a pool needs for rate requests per second.
func registrantsFor(rate int) int { return max(1000, rate*limitSpacing) }

// applianceTarget serves a new appliance of code with n registrants (tokens for all) whose
// alerts are raised at p.
func (b *bench) applianceTarget(name, code string, n int, p [2]float64, extra ...string) (*target, []string, error) {
	dir := b.dir(name)
	s := newAppliance(b.bins.appliance, dir, code, extra...)
	if err := b.prepare(s); err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	var ids []string
	var accounts []account
	err := withSeed(dir, func(sd *seedDB) (err error) {
		ids, accounts, err = sd.seedRegistrants(registrantOpts{N: n, Tokens: n, Home: code, ZIP: "90012"})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	logf("  seeded %d registrants in %s", n, time.Since(t0).Round(time.Millisecond))
	t := &target{label: "appliance", srv: s, url: "/api/alertbutton/alerts", pool: &pool{accounts: accounts}}
	t.next = func() ([]byte, string) { return alertBody(p), t.pool.take().Token }
	return t, ids, nil
}

// stockTarget serves a new stock PocketBase (synchronous=FULL when full).
func (b *bench) stockTarget(full bool) (*target, error) {
	label := "stock NORMAL"
	if full {
		label = "stock FULL"
	}
	s := newStock(b.bins.stock, b.dir("stock"), full)
	if err := b.start(s, label); err != nil {
		return nil, err
	}
	t := &target{label: label, srv: s, url: "/api/collections/alerts/records"}
	t.next = func() ([]byte, string) {
		return stockBody(pointLA, fmt.Sprintf("r%014d", rand.IntN(1e9))), ""
	}
	return t, nil
}

// measured is one load run's stats and the server's peak RSS during it.
type measured struct {
	st      loadStats
	samples []sample
	rss     int64
	rate    int
	workers int
}

// run drives t at rate (or, with rate 0, from workers clients as fast as they can) for d,
// or until count requests when count > 0.
func (b *bench) run(t *target, name string, rate, workers int, d time.Duration, count int) measured {
	stop := rssPeak(t.srv)
	samples := attack(attackSpec{
		Name: name, URL: t.srv.URL + t.url, Rate: rate, Workers: workers, Duration: d, Count: count, Next: t.next,
	})
	m := measured{st: summarize(samples), samples: samples, rss: stop(), rate: rate, workers: workers}
	logf("  %s %s: %s, %d/%d ok, %.0f/s, p50 %s p99 %s max %s, RSS %s %s", t.label, name, rateText(rate, workers),
		m.st.OK, m.st.Requests, m.st.Throughput, ms(m.st.Lat.P50), ms(m.st.Lat.P99), ms(m.st.Lat.Max), mb(m.rss), m.st.errorSummary())
	return m
}

func rateText(rate, workers int) string {
	if rate <= 0 {
		return fmt.Sprintf("closed loop ×%d", workers)
	}
	return fmt.Sprintf("%d/s", rate)
}

// rowOf is the table row of a load run.
func rowOf(scenario, label string, m measured, rateLabel string) row {
	if rateLabel == "" {
		rateLabel = rateText(m.rate, m.workers)
	}
	return row{
		Scenario: scenario, Target: label, Rate: rateLabel, Throughput: perSec(m.st.Throughput),
		Lat: m.st.Lat, Errors: errCount(m.st.errorCount(), m.st.Requests), RSS: m.rss,
	}
}

// ends maps each alert uid answered 2xx to when its answer arrived.
func ends(samples []sample) map[string]time.Time {
	out := make(map[string]time.Time, len(samples))
	for _, s := range samples {
		if s.ok() && s.UID != "" {
			out[s.UID] = s.End
		}
	}
	return out
}
