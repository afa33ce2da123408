package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// Phone-sized viewport of the screenshots and the accessibility checks.
const viewW, viewH = 360, 740

// needChromium skips where Debian's Chromium is missing, and fails in CI, where .ci/run
// installs it.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s (apt-get install -y chromium): %v", chromiumPath, err)
		}
		t.Skipf("skipping the browser test: %s is not installed (apt-get install -y chromium)", chromiumPath)
	}
}

// newBrowser starts a headless Chromium with a fresh profile that talks to nobody but the
// test's servers.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	needChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.WindowSize(viewW, viewH),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return bctx
}

// tab is one page of the browser at phone size; it records CSP violations and uncaught
// exceptions, which fail the test at the end.
type tab struct {
	t      *testing.T
	ctx    context.Context
	mu     sync.Mutex
	faults []string
}

func newTab(t *testing.T, bctx context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx}
	// the first call opens the tab, which lives as long as that call's context: no timeout
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	tb.do(chromedp.EmulateViewport(viewW, viewH, chromedp.EmulateMobile, chromedp.EmulateTouch))
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.IsException():
				tb.fault("uncaught exception: " + m.Text)
			case strings.Contains(m.Text, "Content Security Policy"):
				tb.fault("CSP: " + m.Text)
			case m.Type == "error":
				t.Logf("console error: %s", m.Text)
			}
		}
	}()
	t.Cleanup(tb.checkFaults)
	return tb
}

func (tb *tab) fault(s string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.faults = append(tb.faults, s)
}

func (tb *tab) checkFaults() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, f := range tb.faults {
		tb.t.Errorf("page fault: %s", f)
	}
}

// do runs actions with a time limit; a failure stops the test with a screenshot.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.doFor(30*time.Second, actions...)
}

func (tb *tab) doFor(d time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.failed(err)
	}
}

func (tb *tab) failed(err error) {
	tb.t.Helper()
	tb.shot("failure-" + sanitize(tb.t.Name()))
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	tb.t.Fatalf("browser: %v\npage text:\n%s", err, body)
}

func sanitize(s string) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(s)
}

// eval evaluates a JavaScript expression in the page, awaiting a promise.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.failed(err)
	}
	return v
}

// text is the visible text of the page.
func (tb *tab) text() string {
	return eval[string](tb, `document.body.innerText`)
}

// waitText waits until the page shows s.
func (tb *tab) waitText(s string, d time.Duration) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`document.body && document.body.innerText.includes(%q)`, s), d)
}

// waitJS waits until the expression is true.
func (tb *tab) waitJS(js string, d time.Duration) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(d))); err != nil {
		tb.failed(fmt.Errorf("waiting for %s: %w", js, err))
	}
}

func (tb *tab) navigate(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
}

// fill types value into the field matched by the CSS selector.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	eval[chromedp.Void](tb, fmt.Sprintf(`document.querySelector(%q).value = ''`, sel))
	tb.do(chromedp.SendKeys(chromedp.CSS(sel), value))
}

// click clicks the element matched by the CSS selector, first scrolled to the middle of the
// screen so that the fixed header and navigation do not cover it.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	eval[chromedp.Void](tb, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'center'})`, sel))
	tb.do(chromedp.Click(chromedp.CSS(sel)))
}

// clickText clicks the button or link whose text is exactly s.
func (tb *tab) clickText(s string) {
	tb.t.Helper()
	xpath := fmt.Sprintf(`//*[self::button or self::a][normalize-space(.)=%q]`, s)
	tb.do(chromedp.WaitVisible(xpath))
	eval[chromedp.Void](tb, fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.scrollIntoView({block: 'center'})`, xpath))
	tb.do(chromedp.Click(xpath))
}

// hold presses the mouse on the element matched by sel for d, like a thumb.
func (tb *tab) hold(sel string, d time.Duration) {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	eval[chromedp.Void](tb, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'center'})`, sel))
	box := eval[struct{ X, Y, W, H float64 }](tb, fmt.Sprintf(
		`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, sel))
	x, y := box.X+box.W/2, box.Y+box.H/2
	tb.do(
		chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.Sleep(d),
		chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
}

// holdKey focuses the element matched by sel and holds the Space bar on it for d.
func (tb *tab) holdKey(sel string, d time.Duration) {
	tb.t.Helper()
	eval[chromedp.Void](tb, fmt.Sprintf(`document.querySelector(%q).focus()`, sel))
	key := func(typ input.DispatchKeyEventType) {
		if _, err := chromedp.Call(tb.ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: " ", Code: "Space", WindowsVirtualKeyCode: 32, NativeVirtualKeyCode: 32,
		}); err != nil {
			tb.t.Fatalf("pressing Space: %v", err)
		}
	}
	key(input.DispatchKeyEventTypeRawKeyDown)
	time.Sleep(d)
	key(input.DispatchKeyEventTypeKeyUp)
}

// shot saves the viewport as e2e/artifacts/name.png.
func (tb *tab) shot(name string) {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll("artifacts", 0o755)
	if err := os.WriteFile(filepath.Join("artifacts", name+".png"), png, 0o644); err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
	}
}

// grant gives origin the permissions a person would grant, and puts the phone at lat, lon.
func (tb *tab) grant(origin string, lat, lon float64) {
	tb.t.Helper()
	for _, name := range []string{"geolocation", "notifications"} {
		if _, err := chromedp.CallBrowser(tb.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name},
			Setting:    browser.PermissionSettingGranted,
			Origin:     origin,
		}); err != nil {
			tb.t.Fatalf("granting %s: %v", name, err)
		}
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
		Latitude: new(lat), Longitude: new(lon), Accuracy: new(15.0),
	}); err != nil {
		tb.t.Fatalf("placing the phone: %v", err)
	}
}

// staffAccount makes two staff logins in dir before the appliance starts: IT (returned) and
// a future consul (see consulToken).
func staffAccount(t *testing.T, dir string) (email, password string) {
	t.Helper()
	email, password = "it@example.org", "It-pass-2025-long"
	if out, code := run(t, "superuser", "upsert", email, password, "--dir", dir); code != 0 {
		t.Fatalf("superuser upsert: exit %d\n%s", code, out)
	}
	if out, code := run(t, "superuser", "upsert", "consul@example.org", "Consul-pass-2025", "--dir", dir); code != 0 {
		t.Fatalf("superuser upsert: exit %d\n%s", code, out)
	}
	return email, password
}

// consulToken signs in a second staff member whom IT (itToken) made a consul. The
// account is made before the appliance starts (the data directory is shared).
func consulToken(t *testing.T, base, dir, itToken string) string {
	t.Helper()
	var list struct{ Items []struct{ ID string } }
	apiCall(t, "GET", base+"/api/collections/_superusers/records?filter="+url.QueryEscape(`email="consul@example.org"`), itToken, nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("the consul's account is missing: %+v", list)
	}
	if code := apiCall(t, "PATCH", base+"/api/collections/_superusers/records/"+list.Items[0].ID, itToken, map[string]string{"role": "consul"}, nil); code != 200 {
		t.Fatalf("IT giving the consul role: %d", code)
	}
	return staffToken(t, base, "consul@example.org", "Consul-pass-2025")
}

// apiCall calls the appliance's API directly (not through the browser).
func apiCall(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && len(raw) > 0 {
		json.Unmarshal(raw, out)
	}
	if res.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, res.StatusCode, raw)
	}
	return res.StatusCode
}

func staffToken(t *testing.T, base, email, password string) string {
	t.Helper()
	var auth struct{ Token string }
	if code := apiCall(t, "POST", base+"/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": email, "password": password}, &auth); code != 200 {
		t.Fatalf("staff sign-in: %d", code)
	}
	return auth.Token
}

type alertRow struct {
	ID, UID, Status, Kind, Source, Registrant string
	TargetConsulate                           string `json:"target_consulate"`
}

// storedAlerts lists the alerts the appliance holds, as staff see them.
func storedAlerts(t *testing.T, base, token string) []alertRow {
	t.Helper()
	var list struct{ Items []alertRow }
	if code := apiCall(t, "GET", base+"/api/collections/alerts/records?perPage=200", token, nil, &list); code != 200 {
		t.Fatalf("listing alerts: %d", code)
	}
	return list.Items
}

// axeSource is axe-core, installed by `npm install --prefix .ci/node` (never served by the
// appliance: the test puts it in the page itself).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", ".ci", "node", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is missing (npm ci --prefix .ci/node): %v", err)
		}
		t.Skipf("skipping the accessibility check: axe-core is missing (npm ci --prefix .ci/node): %v", err)
	}
	return string(b)
}

// axe checks the page against WCAG 2.2 A and AA and reports every violation.
func (tb *tab) axe(src, screen string) {
	tb.t.Helper()
	if !eval[bool](tb, `typeof window.axe === 'object'`) {
		eval[chromedp.Void](tb, src)
	}
	type node struct {
		Target         []any
		FailureSummary string
	}
	res := eval[struct {
		Passes     int
		Violations []struct {
			ID, Impact, Help string
			Nodes            []node
		}
	}](tb, `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']}}).then(r => ({Passes: r.passes.length, Violations: r.violations}))`)
	if res.Passes == 0 {
		tb.t.Errorf("axe on %s checked nothing", screen)
	}
	for _, v := range res.Violations {
		for _, n := range v.Nodes {
			tb.t.Errorf("axe on %s: %s (%s): %s at %v\n%s", screen, v.ID, v.Impact, v.Help, n.Target, n.FailureSummary)
		}
	}
}
