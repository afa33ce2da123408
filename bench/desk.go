package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// desk: how long the advisers' desk (/staff/) takes to draw, in Debian's headless Chromium,
// with a consulate's worst day on it: 500 open cases on the board, and one case with 200
// timeline events. Each sample runs the desk's own code in the page: the board's list drawn
// afresh (500 rows, none reused), the case's timeline drawn from its events, and a case opened
// from the board (its reads from the appliance included); each includes the layout it causes.
// It reports medians and p90 of deskSamples runs; it is a measurement, not a timed test.

const (
	chromiumPath = "/usr/bin/chromium"
	deskOpen     = 500
	deskEvents   = 200
	deskSamples  = 30
)

func (b *bench) desk() error {
	if _, err := os.Stat(chromiumPath); err != nil {
		return fmt.Errorf("the desk scenario needs %s (apt-get install -y chromium): %w", chromiumPath, err)
	}
	dir := b.dir("desk")
	s := newAppliance(b.bins.appliance, dir, "los-angeles")
	if err := b.prepare(s); err != nil {
		return err
	}
	var staff []account
	var busy string
	err := withSeed(dir, func(sd *seedDB) (err error) {
		ids, _, err := sd.seedRegistrants(registrantOpts{N: deskOpen, Home: "los-angeles", ZIP: "90012"})
		if err != nil {
			return err
		}
		if busy, err = sd.seedOpenCases(ids, "los-angeles", deskEvents); err != nil {
			return err
		}
		staff, err = sd.seedStaff(1, "mesa")
		return err
	})
	if err != nil {
		return err
	}
	if err := b.start(s, "desk"); err != nil {
		return err
	}
	defer s.Stop()

	page, stop, err := deskPage(s.URL, staff[0])
	if err != nil {
		return err
	}
	defer stop()
	m, err := measureDesk(page, busy)
	if err != nil {
		return err
	}
	for _, r := range []struct {
		label string
		lat   latStats
	}{
		{fmt.Sprintf("board: %d open cases drawn", deskOpen), m.board},
		{fmt.Sprintf("case: timeline of %d events drawn", deskEvents), m.timeline},
		{fmt.Sprintf("case: opened from the board (%d events, reads included)", deskEvents), m.open},
	} {
		b.rep.add(row{Scenario: "desk", Target: r.label, Rate: fmt.Sprintf("%d runs", r.lat.N), Throughput: "–", Lat: r.lat, Errors: "0", Ratio: "–"})
	}
	b.rep.fact("desk", fmt.Sprintf("headless Chromium at 360x740; script and layout of each draw (performance.now() around the desk's "+
		"own functions, then a forced layout); %d samples each, medians in p50", deskSamples))
	b.rep.check(fmt.Sprintf("board of %d open cases renders (median)", deskOpen), "< 100 ms", ms(m.board.P50), m.board.N > 0 && m.board.P50 < 100*time.Millisecond)
	b.rep.check(fmt.Sprintf("case with %d events renders (median)", deskEvents), "< 100 ms", ms(m.timeline.P50), m.timeline.N > 0 && m.timeline.P50 < 100*time.Millisecond)
	return nil
}

// seedOpenCases inserts one open case per registrant (new, acknowledged or in progress,
// some escalated or under duress, created over the last 3 hours) and gives the first one
// events timeline events; it returns that case's id.
func (s *seedDB) seedOpenCases(registrants []string, consulate string, events int) (string, error) {
	now := time.Now().UTC()
	ids := make([]string, len(registrants))
	for i := range ids {
		ids[i] = core.GenerateDefaultRandomId()
	}
	statuses := []string{"new", "acknowledged", "in_progress"}
	kinds := []string{"detained", "at_risk", "raid", "checkin_missed", "other"}
	cols := []string{"id", "uid", "registrant", "source", "kind", "status", "origin_consulate", "home_consulate",
		"target_consulate", "route_basis", "county_geoid", "escalation_level", "duress", "created", "updated"}
	err := s.insertRows("alerts", cols, len(ids), func(i int, v []any) {
		at := now.Add(-time.Duration(i) * 20 * time.Second)
		created, _ := types.ParseDateTime(at)
		v[0], v[1], v[2] = ids[i], uuidV7At(at), registrants[i]
		v[3], v[4], v[5] = "button", kinds[i%len(kinds)], statuses[i%len(statuses)]
		v[6], v[7], v[8], v[9], v[10] = consulate, consulate, consulate, "location", "06037"
		v[11], v[12], v[13], v[14] = i%3, i%17 == 0, created.String(), created.String()
	})
	if err != nil {
		return "", err
	}
	kindsOfEvent := []string{"status", "escalated", "pin_failed", "assigned", "relay_delayed"}
	err = s.insertRows("alert_events", []string{"id", "alert", "type", "actor", "data", "staff_only", "created", "updated"}, events,
		func(i int, v []any) {
			at, _ := typesDate(now.Add(-time.Duration(events-i) * time.Second))
			data, _ := json.Marshal(map[string]any{"from": "new", "to": "acknowledged", "level": 1, "notified": 3})
			v[0], v[1], v[2], v[3] = core.GenerateDefaultRandomId(), ids[0], kindsOfEvent[i%len(kindsOfEvent)], "system"
			v[4], v[5], v[6], v[7] = string(data), true, at, at
		})
	return ids[0], err
}

func typesDate(t time.Time) (string, error) {
	d, err := types.ParseDateTime(t)
	return d.String(), err
}

// deskPage opens the desk in a headless Chromium, signed in as staff the way the desk keeps
// its session (the admin UI's), and waits until the board shows every open case.
func deskPage(base string, staff account) (context.Context, func(), error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(360, 740),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	stop := func() { cancelTab(); cancelAlloc() }
	session, _ := json.Marshal(map[string]any{"token": staff.Token, "record": map[string]any{
		"id": staff.ID, "collectionName": "_superusers", "email": "mesa0@bench.example", "role": "adviser",
	}})
	// the first call opens the tab, which lives as long as that call's context: no timeout
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("starting Chromium: %w", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	err := chromedp.Do(tctx,
		chromedp.Navigate(base+"/staff/"),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem('__pb_superusers__/_', %q)`, session)),
		chromedp.Reload(),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll('.queue li[data-id]').length === %d`, deskOpen),
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(90*time.Second)),
	)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("the desk did not show %d open cases: %w", deskOpen, err)
	}
	return ctx, stop, nil
}

type deskTimes struct{ board, timeline, open latStats }

// deskProbe runs in the page; each function returns milliseconds.
var deskProbe = fmt.Sprintf(`window.__desk = {
  // board draws the board's list of every open case afresh (no row reused), as on sign-in
  async board() {
    const b = await import('/staff/board.js');
    const data = await import('/staff/data.js');
    const { h } = await import('/js/dom.js');
    if (!this.cases) this.cases = await data.boardAlerts();
    const cases = this.cases.map((a) => ({ ...a }));
    const ul = h('ul', { class: 'queue' });
    document.querySelector('main').append(ul);
    const ctx = { here: 'los-angeles', meId: '', names: new Map(), fresh: new Set(), now: Date.now(), consulateName: (c) => c };
    const t0 = performance.now();
    const n = b.list(ul, cases, ctx);
    document.body.offsetHeight;
    const took = performance.now() - t0;
    ul.remove();
    if (n !== %d) throw new Error('drew ' + n + ' cases');
    return took;
  },
  async timeline(id) {
    const c = await import('/staff/case.js');
    const { h, fill } = await import('/js/dom.js');
    const res = await fetch('/api/collections/alert_events/records?perPage=500&sort=created&filter=' +
      encodeURIComponent('alert = "' + id + '"'), { headers: { Authorization: JSON.parse(localStorage.getItem('__pb_superusers__/_')).token } });
    const events = (await res.json()).items;
    const s = { staff: [], facilities: [], ctx: { consulateName: (c) => c } };
    let box = document.querySelector('#bench-timeline');
    if (!box) { box = h('ol', { id: 'bench-timeline', class: 'timeline' }); document.querySelector('main').append(box); }
    const t0 = performance.now();
    fill(box, c.timelineItems(c.entries(s, events, [])));
    document.body.offsetHeight;
    const took = performance.now() - t0;
    if (box.children.length !== events.length) throw new Error('drew ' + box.children.length + ' of ' + events.length);
    box.remove();
    return took;
  },
  open(id, want) {
    return new Promise((resolve) => {
      const main = document.querySelector('main');
      const t0 = performance.now();
      const done = () => main.querySelectorAll('.timeline li').length >= want;
      const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); document.body.offsetHeight; resolve(performance.now() - t0); } });
      obs.observe(main, { childList: true, subtree: true });
      location.hash = '#case/' + id;
    });
  },
  back() {
    return new Promise((resolve) => {
      const main = document.querySelector('main');
      const obs = new MutationObserver(() => { if (main.querySelector('.queue li[data-id]')) { obs.disconnect(); resolve(true); } });
      obs.observe(main, { childList: true, subtree: true });
      location.hash = '';
    });
  },
};`, deskOpen)

func measureDesk(ctx context.Context, busy string) (deskTimes, error) {
	run := func(js string) (float64, error) {
		c, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return chromedp.Run(c, chromedp.Evaluate[float64](js, chromedp.EvalAwaitPromise))
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](deskProbe)); err != nil {
		return deskTimes{}, err
	}
	var board, timeline, open []time.Duration
	add := func(to *[]time.Duration, msf float64) {
		*to = append(*to, time.Duration(msf*float64(time.Millisecond)))
	}
	for i := 0; i < deskSamples+1; i++ { // the first of each warms the page up and is not counted
		v, err := run(`__desk.board()`)
		if err != nil {
			return deskTimes{}, fmt.Errorf("board: %w", err)
		}
		if i > 0 {
			add(&board, v)
		}
		if v, err = run(fmt.Sprintf(`__desk.timeline(%q)`, busy)); err != nil {
			return deskTimes{}, fmt.Errorf("timeline: %w", err)
		}
		if i > 0 {
			add(&timeline, v)
		}
	}
	for i := 0; i < deskSamples/3+1; i++ { // reads from the appliance: fewer runs
		v, err := run(fmt.Sprintf(`__desk.open(%q, %d)`, busy, deskEvents))
		if err != nil {
			return deskTimes{}, fmt.Errorf("open: %w", err)
		}
		if i > 0 {
			add(&open, v)
		}
		if _, err := run(`__desk.back().then(() => 0)`); err != nil {
			return deskTimes{}, fmt.Errorf("back to the board: %w", err)
		}
	}
	return deskTimes{board: percentiles(board), timeline: percentiles(timeline), open: percentiles(open)}, nil
}
