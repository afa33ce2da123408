package main

import (
	"fmt"
	"time"
)

// board: staff watching the advisers' board (realtime SSE, superusers subscribed to
// alerts) while alerts come in at a fixed rate; latency from each 201 to each subscriber's
// event.
func (b *bench) board() error {
	o := b.opts
	n := o.boardRate*int(o.duration/time.Second+1) + 50
	t, _, err := b.applianceTarget("board", "los-angeles", n, pointLA)
	if err != nil {
		return err
	}
	var staff []account
	err = withSeed(t.srv.dir, func(sd *seedDB) (err error) {
		staff, err = sd.seedStaff(o.subscribers, "asesora")
		return err
	})
	if err != nil {
		return err
	}
	if err := b.start(t.srv, "board"); err != nil {
		return err
	}
	defer t.srv.Stop()

	tokens := make([]string, len(staff))
	for i, s := range staff {
		tokens[i] = s.Token
	}
	watch, err := watchRealtime(t.srv.URL, "alerts", tokens)
	if err != nil {
		return err
	}
	defer watch.Close()

	stop := rssPeak(t.srv)
	samples := attack(attackSpec{Name: "board", URL: t.srv.URL + t.url, Rate: o.boardRate, Duration: o.duration, Count: n, Next: t.next})
	st := summarize(samples)
	sent := ends(samples)
	want := len(sent) * len(tokens)
	logf("  %d alerts raised (%d/%d ok, p99 %s); waiting for %d realtime events", len(sent), st.OK, st.Requests, ms(st.Lat.P99), want)
	watch.Wait(want, 30*time.Second)
	rss := stop()
	events, errs := watch.Take()

	var d delays
	for _, e := range events {
		if end, ok := sent[e.UID]; ok && e.Action == "create" {
			d.add(end, e.At)
		}
	}
	lat := d.lat
	ls := percentiles(lat)
	missing := max(want-len(lat), 0)
	thr := d.perSecond()
	b.rep.add(row{
		Scenario: "board", Target: fmt.Sprintf("appliance → %d staff (SSE)", len(tokens)), Rate: fmt.Sprintf("%d/s", o.boardRate),
		Throughput: perSec(thr) + " events", Lat: ls,
		Errors: errCount(st.errorCount()+missing, st.Requests+want), RSS: rss, Ratio: "–",
	})
	b.rep.fact("board", fmt.Sprintf("latency from each alert's 201 to each staff subscriber's realtime create event; "+
		"%d alerts (ingest p99 %s, %d failed), %d of %d events within 30 s", len(sent), ms(st.Lat.P99), st.errorCount(), len(lat), want))
	if len(errs) > 0 {
		b.rep.fact("board", fmt.Sprintf("%d subscriber errors, e.g. %s", len(errs), errs[0]))
	}
	b.rep.check("board p99 (201 → realtime event)", "≤ 500 ms", ms(ls.P99), ls.N > 0 && ls.P99 <= 500*time.Millisecond && missing == 0)
	if st.OK == 0 {
		return fmt.Errorf("no alert was raised: %s", st.errorSummary())
	}
	if len(lat) == 0 {
		return fmt.Errorf("no realtime event arrived (of %d)", want)
	}
	return nil
}
