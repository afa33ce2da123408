package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// netProfile is a phone's network, as Chromium's network emulation takes it.
type netProfile struct {
	name             string
	latencyMs        float64
	downKbit, upKbit float64
}

// The networks of issue 17 (item 9): slow 4G, slow 3G and a 2G-like link.
var netProfiles = []netProfile{
	{"slow 4G", 150, 1600, 750},
	{"slow 3G", 400, 400, 400},
	{"2G-like", 800, 250, 100},
}

// loadFigures is one load of the app: the time until the first call to action ("Registrarme")
// is painted, and what crossed the network until then.
type loadFigures struct {
	CTA      float64 // ms from the start of the navigation
	Bytes    float64 // transferred, headers included
	Requests int
	Plain    []string // text files over 1 KB that came uncompressed
	Ready    bool
}

// ctaProbe runs before the page's own scripts (the debugger's scripts are not bound by the
// page's CSP) and notes when the register button is first painted.
const ctaProbe = `(() => {
  const seen = () => {
    const a = document.querySelector('a[href="#/register"]');
    if (!a || window.__cta) return;
    requestAnimationFrame(() => { if (!window.__cta) window.__cta = performance.now(); });
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
})();`

// measure reads the probe and the Resource Timing entries up to the call to action.
const measure = `(() => {
  const cta = window.__cta || 0;
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .filter((e) => e.responseEnd <= cta);
  const text = /\.(js|mjs|css|html|json)$|\/$/;
  return {
    CTA: cta,
    Bytes: entries.reduce((n, e) => n + e.transferSize, 0),
    Requests: entries.length,
    Plain: entries.filter((e) => e.transferSize > 0 && e.decodedBodySize > 1024 && e.encodedBodySize >= e.decodedBodySize && text.test(new URL(e.name).pathname))
      .map((e) => new URL(e.name).pathname),
    Ready: cta > 0,
  };
})()`

// loadOnce opens url in tab tb under the profile, with the CPU 4x slower, and measures.
func loadOnce(tb *tab, url string, p netProfile) loadFigures {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, network.Enable, network.EnableParams{}); err != nil {
		tb.t.Fatal(err)
	}
	rule := &network.Conditions{Latency: p.latencyMs, DownloadThroughput: p.downKbit * 1000 / 8, UploadThroughput: p.upKbit * 1000 / 8}
	if _, err := chromedp.Call(tb.ctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{rule}}); err != nil {
		tb.t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4}); err != nil {
		tb.t.Fatal(err)
	}
	tb.doFor(90*time.Second, chromedp.Navigate(url))
	tb.waitJS(`window.__cta > 0`, 60*time.Second)
	return eval[loadFigures](tb, measure)
}

// firstAndRepeat is a phone's first visit to the app (a fresh browser) and its next one,
// served by the service worker.
func firstAndRepeat(t *testing.T, url string, p netProfile) (first, repeat loadFigures) {
	bctx := newBrowser(t)
	tb := newTab(t, bctx)
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: ctaProbe}); err != nil {
		t.Fatal(err)
	}
	first = loadOnce(tb, url, p)
	// the worker has kept the app once it controls the page (it claims it after installing)
	tb.waitJS(`navigator.serviceWorker.controller !== null`, 120*time.Second)
	repeat = loadOnce(tb, url, p)
	return first, repeat
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// A first visit on a bad network (issue 17, item 9): the figures for each network, first load
// and repeat load, go to the log and to e2e/artifacts/firstload.md (FIRSTLOAD_RUNS loads each,
// medians; 1 by default). Times are reported, not asserted; asserted are what does not
// depend on the machine: every text file compressed, at most 60 KB to the first call to action.
func TestBrowserFirstLoad(t *testing.T) {
	needChromium(t)
	runs := 1
	if n, err := strconv.Atoi(os.Getenv("FIRSTLOAD_RUNS")); err == nil && n > 0 {
		runs = n
	}
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	var report strings.Builder
	fmt.Fprintf(&report, "| network | first load: call to action | bytes | requests | repeat load: call to action | bytes | requests |\n|---|---|---|---|---|---|---|\n")
	for _, p := range netProfiles {
		var ctas, bytes, reqs, rctas, rbytes, rreqs []float64
		for range runs {
			first, repeat := firstAndRepeat(t, a.URL+"/", p)
			if len(first.Plain) > 0 {
				t.Errorf("%s: text files came uncompressed: %v", p.name, first.Plain)
			}
			if first.Bytes > 60*1024 {
				t.Errorf("%s: the first load moved %.0f bytes before the call to action, over 60 KB", p.name, first.Bytes)
			}
			t.Logf("%s: first load %.2f s, %.1f KB, %d requests; repeat load %.2f s", p.name, first.CTA/1000, first.Bytes/1024, first.Requests, repeat.CTA/1000)
			ctas, bytes, reqs = append(ctas, first.CTA), append(bytes, first.Bytes), append(reqs, float64(first.Requests))
			rctas, rbytes, rreqs = append(rctas, repeat.CTA), append(rbytes, repeat.Bytes), append(rreqs, float64(repeat.Requests))
		}
		line := fmt.Sprintf("| %s (%.0f ms, %.0f kbit/s) | %.2f s | %.1f KB | %.0f | %.2f s | %.1f KB | %.0f |",
			p.name, p.latencyMs, p.downKbit, median(ctas)/1000, median(bytes)/1024, median(reqs),
			median(rctas)/1000, median(rbytes)/1024, median(rreqs))
		t.Log(line)
		report.WriteString(line + "\n")
	}
	fmt.Fprintf(&report, "\n360x740, CPU 4x slower, medians of %d loads each; bytes and requests up to the call to action (Resource Timing transferSize).\n", runs)
	os.MkdirAll("artifacts", 0o755)
	if err := os.WriteFile(filepath.Join("artifacts", "firstload.md"), []byte(report.String()), 0o644); err != nil {
		t.Log(err)
	}
}
