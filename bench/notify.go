package main

import (
	"fmt"
	"time"
)

// notify: alerts at a fixed rate from registrants with relatives who each have a push
// subscription on a push service in the harness; latency from the 201 to each push's
// arrival (decrypted, so each push is matched to its alert by uid).
func (b *bench) notify() error {
	o := b.opts
	recv, err := startPushReceiver()
	if err != nil {
		return err
	}
	defer recv.Close()
	recv.Latency = o.pushLatency

	n := o.notifyRate*int(o.duration/time.Second+1) + 50 // each registrant raises one alert
	t, ids, err := b.applianceTarget("notify", "los-angeles", n, pointLA, "--push-hosts", recv.Host)
	if err != nil {
		return err
	}
	err = withSeed(t.srv.dir, func(sd *seedDB) error {
		return sd.seedRelatives(ids, o.relatives, recv.Base, recv.keys)
	})
	if err != nil {
		return err
	}
	if err := b.start(t.srv, "notify"); err != nil {
		return err
	}
	defer t.srv.Stop()

	stop := rssPeak(t.srv)
	samples := attack(attackSpec{Name: "notify", URL: t.srv.URL + t.url, Rate: o.notifyRate, Duration: o.duration, Count: n, Next: t.next})
	st := summarize(samples)
	sent := ends(samples)
	want := len(sent) * o.relatives
	logf("  %d alerts raised (%d/%d ok, p99 %s); waiting for %d pushes", len(sent), st.OK, st.Requests, ms(st.Lat.P99), want)
	got := recv.Wait(want, 60*time.Second)
	rss := stop()
	arrivals, bad, badErr := recv.Take()

	var d delays
	unmatched := 0
	for _, a := range arrivals {
		end, ok := sent[a.Alert]
		if !ok {
			unmatched++
			continue
		}
		d.add(end, a.At)
	}
	lat := d.lat
	ls := percentiles(lat)
	missing := max(want-len(lat), 0)
	thr := d.perSecond()
	b.rep.add(row{
		Scenario: "notify", Target: fmt.Sprintf("appliance → push (%d relatives)", o.relatives), Rate: fmt.Sprintf("%d/s", o.notifyRate),
		Throughput: perSec(thr) + " pushes", Lat: ls,
		Errors: errCount(st.errorCount()+missing+bad, st.Requests+want), RSS: rss, Ratio: "–",
	})
	if o.pushLatency > 0 {
		b.rep.fact("notify", fmt.Sprintf("the push service answered each push after %s (-push-latency), as one across the internet does", o.pushLatency))
	}
	b.rep.fact("notify", fmt.Sprintf("latency from each alert's 201 to each push's arrival at a push service in the harness (answers 201, decrypts RFC 8291); "+
		"%d alerts (ingest p99 %s, %d failed), %d of %d pushes arrived within 60 s, %d undecryptable, %d for unknown alerts",
		len(sent), ms(st.Lat.P99), st.errorCount(), len(lat), want, bad, unmatched))
	if badErr != "" {
		b.rep.fact("notify", "undecryptable push: "+badErr)
	}
	b.rep.check("notify p99 (201 → push arrival)", "≤ 1 s", ms(ls.P99), ls.N > 0 && ls.P99 <= time.Second && missing == 0)
	if got == 0 && want > 0 {
		return fmt.Errorf("no push arrived (of %d): %s", want, t.srv.out)
	}
	if st.OK == 0 {
		return fmt.Errorf("no alert was raised: %s", st.errorSummary())
	}
	return nil
}
