package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"alertbutton/e2e/tcprelay"
)

// relay: los-angeles and fresno trust each other (federation peer add, through TCP relays
// in the harness); alerts raised at los-angeles for a point in Fresno County. Latency from
// los-angeles's 201 to the alert's realtime create event at fresno; then a backlog queued
// while the link to fresno is cut, and the time to drain it once the link is back.
func (b *bench) relay() error {
	err := b.relayRun()
	var na notAvailable
	if errorsAs(err, &na) {
		b.rep.add(row{Scenario: "relay", Target: "los-angeles → fresno", Rate: "–", Throughput: "not available", Errors: "–", Ratio: "–"})
		b.rep.fact("relay", "not available: "+na.reason)
		b.rep.check("relay p99 (201 → alert at the peer)", "≤ 1 s", "not available", false)
		return nil
	}
	return err
}

type notAvailable struct{ reason string }

func (n notAvailable) Error() string { return "not available: " + n.reason }

func errorsAs(err error, na *notAvailable) bool {
	if v, ok := err.(notAvailable); ok {
		*na = v
		return true
	}
	return false
}

type fedKeys struct {
	Code, URL           string
	SigningKey, SealKey string
}

func (b *bench) federationKeys(s *server) (fedKeys, error) {
	out, err := runCLI(s.bin, s.env, "federation", "keys", "--dir", s.dir, "--encryptionEnv", secretEnv, "--url", "https://bench.invalid") // the URL is unused: peers are added at their loopback address
	if err != nil {
		return fedKeys{}, notAvailable{"`federation keys` failed: " + shorten(err.Error())}
	}
	var k fedKeys
	i := strings.Index(out, "{")
	if i < 0 || json.Unmarshal([]byte(strings.TrimSpace(out[i:])), &k) != nil || k.SigningKey == "" {
		return fedKeys{}, notAvailable{"`federation keys` printed no keys: " + shorten(out)}
	}
	return k, nil
}

func (b *bench) relayRun() error {
	o := b.opts
	n1 := o.relayRate*int(o.duration/time.Second+1) + 50
	la, _, err := b.applianceTarget("relay-los-angeles", "los-angeles", n1+o.backlog+50, pointFresno)
	if err != nil {
		return err
	}
	fr := newAppliance(b.bins.appliance, b.dir("relay-fresno"), "fresno")
	if err := b.prepare(fr); err != nil {
		return err
	}
	laKeys, err := b.federationKeys(la.srv)
	if err != nil {
		return err
	}
	frKeys, err := b.federationKeys(fr)
	if err != nil {
		return err
	}
	toFresno, err := tcprelay.New("127.0.0.1:1")
	if err != nil {
		return err
	}
	defer toFresno.Cut()
	toLA, err := tcprelay.New("127.0.0.1:1")
	if err != nil {
		return err
	}
	defer toLA.Cut()
	for _, p := range []struct {
		s    *server
		code string
		url  string
		k    fedKeys
	}{{la.srv, "fresno", toFresno.URL(), frKeys}, {fr, "los-angeles", toLA.URL(), laKeys}} {
		if _, err := runCLI(p.s.bin, p.s.env, "federation", "peer", "add",
			"--dir", p.s.dir, "--encryptionEnv", secretEnv, "--", p.code, p.url, p.k.SigningKey, p.k.SealKey); err != nil {
			return notAvailable{"`federation peer add` failed: " + shorten(err.Error())}
		}
	}
	var staff []account
	err = withSeed(fr.dir, func(sd *seedDB) (err error) {
		staff, err = sd.seedStaff(1, "asesora-fresno")
		return err
	})
	if err != nil {
		return err
	}
	if err := b.start(fr, "relay-fresno"); err != nil {
		return err
	}
	defer fr.Stop()
	if err := b.start(la.srv, "relay-los-angeles"); err != nil {
		return err
	}
	defer la.srv.Stop()
	toFresno.SetTarget(fr.addr)
	toLA.SetTarget(la.srv.addr)

	watch, err := watchRealtime(fr.URL, "alerts", []string{staff[0].Token})
	if err != nil {
		return err
	}
	defer watch.Close()

	// Live: alerts at a fixed rate, each relayed as it is raised.
	laRSS, frRSS := rssPeak(la.srv), rssPeak(fr)
	samples := attack(attackSpec{Name: "relay", URL: la.srv.URL + la.url, Rate: o.relayRate, Duration: o.duration, Count: n1, Next: la.next})
	st := summarize(samples)
	sent := ends(samples)
	logf("  %d alerts raised at los-angeles (%d/%d ok, p99 %s); waiting for them at fresno", len(sent), st.OK, st.Requests, ms(st.Lat.P99))
	got := watch.Wait(len(sent), 60*time.Second)
	events, errs := watch.Take()
	if got == 0 && len(sent) > 0 {
		return notAvailable{fmt.Sprintf("none of %d alerts raised at los-angeles for a Fresno point reached fresno within 60 s (%s)",
			len(sent), relayState(la.srv.dir, fr.dir, errs))}
	}
	lat := matchEvents(events, sent)
	ls := percentiles(lat)
	missing := len(sent) - len(lat)
	b.rep.add(row{
		Scenario: "relay", Target: "los-angeles → fresno", Rate: fmt.Sprintf("%d/s", o.relayRate),
		Throughput: perSec(float64(len(lat))/max(o.duration.Seconds(), 1e-9)) + " relayed", Lat: ls,
		Errors: errCount(st.errorCount()+missing, st.Requests+len(sent)), RSS: laRSS(), Ratio: "–",
	})
	b.rep.fact("relay", fmt.Sprintf("latency from los-angeles's 201 to fresno's realtime create event for the same uid; %d alerts (ingest p99 %s, %d failed), %d arrived within 60 s",
		len(sent), ms(st.Lat.P99), st.errorCount(), len(lat)))
	b.rep.check("relay p99 (201 → alert at the peer)", "≤ 1 s", ms(ls.P99), ls.N > 0 && ls.P99 <= time.Second && missing == 0)
	if len(errs) > 0 {
		b.rep.fact("relay", "realtime errors: "+errs[0])
	}

	// Backlog: the link to fresno cut while alerts queue at los-angeles, then healed.
	la.srv.Quiesce()
	fr.Quiesce()
	toFresno.Cut()
	t0 := time.Now()
	bl := attack(attackSpec{Name: "backlog", URL: la.srv.URL + la.url, Workers: 8, Count: o.backlog, Next: la.next})
	bst := summarize(bl)
	queued := ends(bl)
	logf("  backlog: %d alerts queued at los-angeles in %s (%.0f/s, %d failed) while fresno is cut off", len(queued),
		time.Since(t0).Round(time.Millisecond), bst.Throughput, bst.errorCount())
	time.Sleep(max(time.Second, o.outage-time.Since(t0)))
	early, _ := watch.Take() // nothing should have crossed
	if err := toFresno.Heal(); err != nil {
		return err
	}
	healed := time.Now()
	watch.Wait(len(queued), 3*time.Minute)
	events, _ = watch.Take()
	events = append(early, events...)
	var drain []time.Duration
	var lastAt time.Time
	for _, e := range events {
		if _, ok := queued[e.UID]; ok && e.Action == "create" {
			drain = append(drain, e.At.Sub(healed))
			if e.At.After(lastAt) {
				lastAt = e.At
			}
		}
	}
	ds := percentiles(drain)
	drained := lastAt.Sub(healed)
	missingB := len(queued) - len(drain)
	count := b.countAt(fr, staff[0].Token, "origin_consulate='los-angeles'")
	b.rep.add(row{
		Scenario: "relay backlog", Target: fmt.Sprintf("%d queued while cut", len(queued)), Rate: "after heal",
		Throughput: perSec(float64(len(drain))/max(drained.Seconds(), 1e-9)) + " drained", Lat: ds,
		Errors: errCount(missingB+bst.errorCount(), len(queued)+bst.Requests), RSS: frRSS(), Ratio: "–",
	})
	if o.outage > 0 {
		b.rep.fact("relay", fmt.Sprintf("the link stayed cut for %s (-outage %s): rows older than 2 min are late and take the relay's delay path", healed.Sub(t0).Round(time.Second), o.outage))
	}
	b.rep.fact("relay", fmt.Sprintf("backlog: %d alerts queued at los-angeles while its link to fresno was cut (%.0f/s, closed loop ×8); "+
		"%d reached fresno within 3 min of the link's return, the last %s after it (latencies in that row are from the heal, RSS is fresno's); fresno holds %d relayed alerts",
		len(queued), bst.Throughput, len(drain), ms(drained), count))
	b.rep.check("relay backlog drained", "≤ 30 s", fmt.Sprintf("%s (%d of %d)", ms(drained), len(drain), len(queued)),
		missingB == 0 && drained <= 30*time.Second)
	return nil
}

// matchEvents returns, for the first create event of each uid in sent, the latency from the 201.
func matchEvents(events []rtEvent, sent map[string]time.Time) []time.Duration {
	seen := map[string]bool{}
	var lat []time.Duration
	for _, e := range events {
		end, ok := sent[e.UID]
		if !ok || e.Action != "create" || seen[e.UID] {
			continue
		}
		seen[e.UID] = true
		lat = append(lat, e.At.Sub(end))
	}
	return lat
}

// countAt counts the alerts matching filter at s, as staff (-1 when it cannot).
func (b *bench) countAt(s *server, token, filter string) int {
	var list struct{ TotalItems int }
	q := url.Values{"filter": {filter}, "perPage": {"1"}, "fields": {"id"}}
	if err := getJSON(&http.Client{Timeout: 30 * time.Second}, s.URL+"/api/collections/alerts/records?"+q.Encode(), token, &list); err != nil {
		logf("  counting alerts at %s: %v", s.name, err)
		return -1
	}
	return list.TotalItems
}

// relayState says where relayed alerts stand when none was seen arriving: the federation
// rows at los-angeles by state, the relayed alerts fresno holds, and the realtime errors.
func relayState(laDir, frDir string, rtErrs []string) string {
	rows := column(laDir, "SELECT state || ' ' || count(*) FROM outbox WHERE channel = 'federation' GROUP BY state")
	held := column(frDir, "SELECT count(*) FROM alerts WHERE origin_consulate = 'los-angeles'")
	return fmt.Sprintf("los-angeles federation rows: %s; fresno holds %s relayed alerts; realtime errors: %q",
		strings.Join(rows, ", "), strings.Join(held, ""), rtErrs)
}

// column reads the first column of query's rows, as text, from the database of the data
// directory dir, opened read-only; it reads nothing when the database cannot answer.
func column(dir, query string) []string {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		return nil
	}
	defer db.Close()
	r, err := db.Query(query)
	if err != nil {
		return nil
	}
	defer r.Close()
	var out []string
	for r.Next() {
		var v string
		if r.Scan(&v) == nil {
			out = append(out, v)
		}
	}
	return out
}
