package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// maxP99 is when a rate stops being sustainable (with any error, or falling behind it).
const maxP99 = time.Second

// ingest: the alert button at the highest sustainable rate and at fixed rates, against
// stock PocketBase's record create (synchronous NORMAL and FULL) at the same rates. The
// three servers run side by side (only one under load at a time) and their runs alternate,
// so that a shared machine's load drifting during the scenario biases none of them.
func (b *bench) ingest() error {
	o := b.opts
	peak := 3000 // the step search may go past the fixed rates
	for _, r := range o.ingestRates {
		peak = max(peak, r)
	}
	if o.smoke {
		peak = 80
	}

	app, _, err := b.applianceTarget("ingest-appliance", "los-angeles", registrantsFor(peak), pointLA)
	if err != nil {
		return err
	}
	if err := b.start(app.srv, "ingest-appliance"); err != nil {
		return err
	}
	defer app.srv.Stop()
	// targets: the appliance (own), stock NORMAL and FULL unless -no-stock, then phones last.
	const own, stockN, stockF = 0, 1, 2
	targets := []*target{app}
	if !o.noStock {
		for _, full := range []bool{false, true} {
			t, err := b.stockTarget(full)
			if err != nil {
				return err
			}
			defer t.srv.Stop()
			targets = append(targets, t)
		}
	}
	// The same appliance with every registrant's phone subscribed: each alert also queues
	// its receipt, which the dispatcher delivers during the runs, as on the day.
	recv, err := startPushReceiver()
	if err != nil {
		return err
	}
	defer recv.Close()
	recv.Opaque = true
	phones, err := b.phonesTarget(peak, recv)
	if err != nil {
		return err
	}
	defer phones.srv.Stop()
	targets = append(targets, phones)

	for _, t := range targets {
		b.run(t, "warm-up", 50, 0, min(2*time.Second, o.duration), 0)
		b.quiesce(t)
	}
	searches := make([]*search, len(targets))
	for i, t := range targets {
		probe := b.run(t, "probe", 0, 16, min(5*time.Second, o.duration), 0)
		b.quiesce(t)
		if probe.st.OK == 0 {
			return fmt.Errorf("%s: no request succeeded (%s)", t.label, probe.st.errorSummary())
		}
		searches[i] = newSearch(t, probe, peak)
	}
	for step := 0; step < o.ingestSteps; step++ {
		for _, s := range searches {
			if !s.done {
				s.step(b, step)
				b.quiesce(s.t)
			}
		}
	}
	fixed := make([][]measured, len(targets))
	for _, rate := range o.ingestRates {
		for i, t := range targets {
			fixed[i] = append(fixed[i], b.run(t, "fixed", rate, 0, o.duration, 0))
			b.quiesce(t)
		}
	}

	maxOf := func(i int) measured { return searches[i].result() }
	if o.noStock {
		for i, t := range targets {
			b.rep.add(rowOf("ingest", t.label, maxOf(i), searches[i].rateLabel()))
			for _, m := range fixed[i] {
				b.rep.add(rowOf("ingest", t.label, m, ""))
			}
		}
		return nil
	}
	ratio := func(a, n, f measured) string {
		return fmt.Sprintf("%.2f× FULL, %.2f× NORMAL", a.st.Throughput/f.st.Throughput, a.st.Throughput/n.st.Throughput)
	}
	for i, t := range targets {
		isStock := i == stockN || i == stockF
		r := rowOf("ingest", t.label, maxOf(i), searches[i].rateLabel())
		r.Ratio = "baseline"
		if !isStock {
			r.Ratio = ratio(maxOf(i), maxOf(stockN), maxOf(stockF))
		}
		b.rep.add(r)
		for j, m := range fixed[i] {
			r := rowOf("ingest", t.label, m, "")
			r.Ratio = "baseline"
			if !isStock {
				r.Ratio = ratio(m, fixed[stockN][j], fixed[stockF][j])
			}
			b.rep.add(r)
		}
	}
	for i, t := range targets {
		b.rep.fact("ingest", fmt.Sprintf("%s: closed loop ×16 (probe) %.0f/s; step search %s", t.label, searches[i].probe.st.Throughput, searches[i].trail()))
	}
	b.rep.fact("ingest", "max = the highest rate of the step search with no error, p99 ≤ 1 s and throughput ≥ 95% of the rate; "+
		"the appliance's requests are authenticated registrants' POST /api/alertbutton/alerts (route lookup, sealed location and note, "+
		"timeline event, all in one transaction; these registrants have no phone or relative subscribed, so nothing is queued in the outbox), "+
		"stock's are anonymous creates of one record")
	b.rep.fact("ingest", fmt.Sprintf("%s: every registrant's phone is subscribed, so each alert also writes its receipt to the outbox; "+
		"the dispatcher delivered %d receipts during the runs to a push service in the harness, which counts them without opening them", phones.label, recv.Counted()))
	for j, m := range fixed[own] {
		if e := m.st.errorSummary(); e != "" {
			b.rep.fact("ingest", fmt.Sprintf("appliance errors at %d/s: %s", o.ingestRates[j], e))
		}
	}
	am, fm := maxOf(own), maxOf(stockF)
	r := am.st.Throughput / fm.st.Throughput
	b.rep.check("ingest throughput vs stock PocketBase (synchronous=FULL), max sustainable", "≥ 1.0× (aim 1.5×)",
		fmt.Sprintf("%.2f× (%.0f/s vs %.0f/s)", r, am.st.Throughput, fm.st.Throughput), r >= 1.0)
	probed := func(i int) float64 { return searches[i].probe.st.Throughput }
	ph := len(targets) - 1
	b.rep.fact("ingest", fmt.Sprintf("%s: closed loop ×16 %.2f× stock FULL's (%.0f/s vs %.0f/s); not a target, reported so the day with phones is known",
		phones.label, probed(ph)/probed(stockF), probed(ph), probed(stockF)))
	pr := probed(own) / probed(stockF)
	b.rep.check("ingest throughput vs stock PocketBase (synchronous=FULL), closed loop ×16", "≥ 1.0× (aim 1.5×)",
		fmt.Sprintf("%.2f× (%.0f/s vs %.0f/s)", pr, probed(own), probed(stockF)), pr >= 1.0)
	for j, rate := range o.ingestRates {
		if rate == 500 {
			m := fixed[own][j].st
			b.rep.check("ingest p99 at 500/s", "≤ 100 ms", fmt.Sprintf("%s (%d errors)", ms(m.Lat.P99), m.errorCount()),
				m.Lat.P99 <= 100*time.Millisecond && m.errorCount() == 0)
		}
	}
	return nil
}

// phonesTarget serves an appliance whose registrants each have a phone subscribed at recv.
func (b *bench) phonesTarget(peak int, recv *pushReceiver) (*target, error) {
	t, ids, err := b.applianceTarget("ingest-phones", "los-angeles", registrantsFor(peak), pointLA, "--push-hosts", recv.Host)
	if err != nil {
		return nil, err
	}
	t.label = "appliance, phones subscribed"
	err = withSeed(t.srv.dir, func(sd *seedDB) error {
		return sd.seedOwnSubscriptions(ids, recv.Base, recv.keys)
	})
	if err == nil {
		err = b.start(t.srv, "ingest-phones")
	}
	return t, err
}

// quiesce waits until t's server is idle again.
func (b *bench) quiesce(t *target) {
	if d := t.srv.Quiesce(); d > 5*time.Second {
		logf("  %s: busy for %s after the run", t.label, d.Round(time.Second))
	}
}

// search steps a target's rate up from 70% of a closed-loop probe's throughput, by 15% a
// step, until a step fails (an error, p99 over a second, or throughput under 95% of the
// rate); while none has held it steps down by 30%.
type search struct {
	t           *target
	probe       measured
	peak        int // the registrant pool's limit
	rate        int
	best, first measured
	ok, done    bool
	tried       []string
}

func newSearch(t *target, probe measured, peak int) *search {
	s := &search{t: t, probe: probe, peak: peak, rate: roundRate(max(probe.st.Throughput*0.7, 10))}
	if t.pool != nil {
		s.rate = min(s.rate, peak)
	}
	return s
}

func (s *search) step(b *bench, n int) {
	if s.t.pool != nil && s.rate > s.peak {
		logf("  %s: stopping the search at %d/s: the registrant pool covers %d/s", s.t.label, s.rate, s.peak)
		s.done = true
		return
	}
	m := b.run(s.t, fmt.Sprintf("step %d", n+1), s.rate, 0, b.opts.duration, 0)
	held := m.st.errorCount() == 0 && m.st.Lat.P99 <= maxP99 && m.st.Throughput >= 0.95*float64(s.rate)
	mark := "✗"
	if held {
		mark = "✓"
	}
	s.tried = append(s.tried, fmt.Sprintf("%d%s", s.rate, mark))
	if len(s.tried) == 1 {
		s.first = m
	}
	switch {
	case held:
		s.best, s.ok = m, true
		s.rate = roundRate(float64(s.rate) * 1.15)
	case s.ok:
		s.done = true
	default:
		s.rate = roundRate(float64(s.rate) * 0.7)
	}
}

// result is the last step that held, or the first step when none did.
func (s *search) result() measured {
	if s.ok {
		return s.best
	}
	return s.first
}

func (s *search) rateLabel() string {
	m := s.result()
	if !s.ok {
		return fmt.Sprintf("max <%d/s", m.rate)
	}
	return fmt.Sprintf("max %d/s", m.rate)
}

func (s *search) trail() string { return strings.Join(s.tried, " ") + " (/s, ✓ held)" }

// roundRate rounds down to 2 significant digits (at least 10/s).
func roundRate(f float64) int {
	if f < 10 {
		return 10
	}
	p := math.Pow(10, math.Floor(math.Log10(f))-1)
	return int(math.Floor(f/p) * p)
}
