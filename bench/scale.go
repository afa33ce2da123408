package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// scale: the appliance with a consulate's worth of data, seeded straight into SQLite (1M
// registrants, each with their phone's push subscription, and 1M past alerts with their
// timeline events): start-up time, RSS, ingest throughput against the same appliance with
// only the registrants the load uses, and the route lookup's cost.
func (b *bench) scale() error {
	o := b.opts
	recv, err := startPushReceiver()
	if err != nil {
		return err
	}
	defer recv.Close()

	const workers = 16
	k := min(registrantsFor(1000), o.scaleRegistrants) // the registrants the load uses
	if o.smoke {
		k = min(2000, o.scaleRegistrants)
	}
	dir := b.dir("scale")
	s := newAppliance(b.bins.appliance, dir, "los-angeles", "--push-hosts", recv.Host)
	if err := b.prepare(s); err != nil {
		return err
	}
	var ids []string
	var accounts []account
	err = withSeed(dir, func(sd *seedDB) (err error) {
		ids, accounts, err = sd.seedRegistrants(registrantOpts{N: k, Tokens: k, Home: "los-angeles", ZIP: "90012"})
		if err == nil && o.scaleSubs {
			err = sd.seedOwnSubscriptions(ids, recv.Base, recv.keys)
		}
		return err
	})
	if err != nil {
		return err
	}
	t := &target{label: "appliance", srv: s, url: "/api/alertbutton/alerts", pool: &pool{accounts: accounts}}
	t.next = func() ([]byte, string) { return alertBody(pointLA), t.pool.take().Token }

	// Small: only the registrants the load uses.
	small, smallStart, smallIdle, err := b.scaleRun(t, fmt.Sprintf("%d registrants", k), workers)
	if err != nil {
		return err
	}
	recv.Take()

	// Large: the rest of the registrants and the past alerts.
	t0 := time.Now()
	var nReg, nAlerts, nSubs int
	err = withSeed(dir, func(sd *seedDB) error {
		rest, _, err := sd.seedRegistrants(registrantOpts{N: o.scaleRegistrants - k, Home: "los-angeles", ZIP: "90012", Offset: k})
		if err == nil && o.scaleSubs {
			err = sd.seedOwnSubscriptions(rest, recv.Base, recv.keys)
		}
		if err == nil {
			err = sd.seedPastAlerts(o.scaleAlerts, append(ids, rest...), "los-angeles")
		}
		if err == nil {
			nReg, _ = sd.count("registrants")
			nAlerts, _ = sd.count("alerts")
			nSubs, _ = sd.count("push_subscriptions")
		}
		return err
	})
	if err != nil {
		return err
	}
	seeded := time.Since(t0)
	logf("  seeded %d registrants, %d alerts, %d push subscriptions in %s", nReg, nAlerts, nSubs, seeded.Round(time.Second))
	big, bigStart, bigIdle, err := b.scaleRun(t, fmt.Sprintf("%s registrants", thousands(nReg)), workers)
	if err != nil {
		return err
	}

	ratio := big.st.Throughput / max(small.st.Throughput, 1e-9)
	rs := rowOf("scale", fmt.Sprintf("appliance, %s registrants", thousands(k)), small, "")
	rs.Ratio = "baseline"
	rb := rowOf("scale", fmt.Sprintf("appliance, %s registrants + %s alerts", thousands(nReg), thousands(nAlerts)), big, "")
	rb.Ratio = fmt.Sprintf("%.2f× small", ratio)
	b.rep.add(rs)
	b.rep.add(rb)
	b.rep.fact("scale", fmt.Sprintf("seeded straight into SQLite in %s: %s registrants, %s past alerts with their timeline events, %s push subscriptions (every registrant's phone)",
		seeded.Round(time.Second), thousands(nReg), thousands(nAlerts), thousands(nSubs)))
	b.rep.fact("scale", fmt.Sprintf("start-up (exec to the first 200 of /api/health, median of 3, page cache warm): %s with %s registrants, %s with %s; "+
		"idle RSS after start: %s and %s; peak RSS under load: %s and %s",
		ms(smallStart), thousands(k), ms(bigStart), thousands(nReg), mb(smallIdle), mb(bigIdle), mb(small.rss), mb(big.rss)))
	if e := big.st.errorSummary(); e != "" {
		b.rep.fact("scale", "errors with the large database: "+e)
	}
	rssMax := max(bigIdle, big.rss)
	b.rep.check(fmt.Sprintf("RSS with %s registrants (idle, and peak under load)", thousands(nReg)), "≤ 250 MB", fmt.Sprintf("%s idle, %s peak", mb(bigIdle), mb(big.rss)), rssMax <= 250<<20)
	b.rep.check(fmt.Sprintf("start-up with %s registrants", thousands(nReg)), "≤ 2 s", ms(bigStart), bigStart <= 2*time.Second)
	b.rep.fact("scale", fmt.Sprintf("ingest throughput with the large database: %.2f× the small one's (closed loop ×%d)", ratio, workers))

	return b.routeLookup()
}

// scaleRun starts the appliance three times (start-up is the median), measures its idle
// RSS, then drives it from workers clients as fast as it answers for the run's duration.
func (b *bench) scaleRun(t *target, label string, workers int) (m measured, startup time.Duration, idle int64, err error) {
	var starts []time.Duration
	for i := range 3 {
		if err := b.start(t.srv, fmt.Sprintf("scale-%s-%d", strings.ReplaceAll(label, " ", "-"), i)); err != nil {
			return m, 0, 0, err
		}
		starts = append(starts, t.srv.Startup)
		if i < 2 {
			t.srv.Stop()
		}
	}
	slices.Sort(starts)
	startup = starts[1]
	time.Sleep(2 * time.Second)
	idle = t.srv.RSS()
	logf("  %s: start-up %s (%s), idle RSS %s", label, ms(startup), durations(starts), mb(idle))
	b.run(t, "warm-up", 50, 0, min(2*time.Second, b.opts.duration), 0)
	t.srv.Quiesce()
	m = b.run(t, label, 0, workers, b.opts.duration, 0)
	t.srv.Stop()
	if m.st.OK == 0 {
		return m, startup, idle, fmt.Errorf("%s: no alert was raised: %s", label, m.st.errorSummary())
	}
	return m, startup, idle, nil
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+)\s+(\d+)\s+([\d.]+) ns/op`)

// routeLookup runs the jurisdiction package's benchmarks.
func (b *bench) routeLookup() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchtime", b.opts.benchtime, "./federation/jurisdiction/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench ./federation/jurisdiction/: %v\n%s", err, out)
	}
	found := false
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		found = true
		ns, _ := strconv.ParseFloat(m[3], 64)
		d := time.Duration(ns)
		b.rep.fact("scale", fmt.Sprintf("route lookup %s: %s per op (%s iterations)", m[1], micro(d), m[2]))
		if strings.HasPrefix(m[1], "BenchmarkCountyAt-") || m[1] == "BenchmarkCountyAt" {
			b.rep.check("route lookup (BenchmarkCountyAt)", "< 20 µs", micro(d), d < 20*time.Microsecond)
		}
	}
	if !found {
		return fmt.Errorf("no benchmark result in:\n%s", out)
	}
	return nil
}

func micro(d time.Duration) string { return fmt.Sprintf("%.2f µs", float64(d)/1e3) }

func durations(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, ms(d))
	}
	return strings.Join(parts, ", ")
}

// thousands writes n with thin separators: 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
