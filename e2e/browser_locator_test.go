package e2e

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// drawn is what the page tells of a locator map it drew.
type drawn struct {
	Role, Title, Desc string
	Labelled          bool // aria-labelledby names the title
	County, Marker    int  // paths of the county, markers
	Accuracy          int  // circles of the fix's accuracy
	Neighbours        int
	Ventura           bool    // 06111 is drawn around Los Angeles
	PointInCounty     bool    // the marker's centre is in the county's fill
	Width             float64 // on screen, in CSS pixels
}

// drawScript fetches the map of geoid as staff and draws it in the page's main, marking
// point (a JS expression), and describes the SVG.
func drawScript(token, geoid, point string) string {
	return fmt.Sprintf(`(async () => {
		const res = await fetch('/api/alertbutton/counties/%s/map', {headers: {Authorization: %q}});
		if (!res.ok) throw new Error('map: ' + res.status);
		const map = await res.json();
		const {drawLocator} = await import('/staff/locator.js');
		const svg = drawLocator(map, %s);
		document.querySelectorAll('svg.locator').forEach(s => s.remove());
		document.getElementById('main').append(svg);
		const title = svg.querySelector(':scope > title');
		const county = svg.querySelector('path.county');
		const dot = svg.querySelector('.marker circle:last-child');
		return {
			Role: svg.getAttribute('role'), Title: title ? title.textContent : '',
			Desc: (svg.querySelector(':scope > desc') || {}).textContent || '',
			Labelled: !!title && svg.getAttribute('aria-labelledby') === title.id,
			County: svg.querySelectorAll('path.county[data-geoid="%s"]').length,
			Marker: svg.querySelectorAll('.marker').length,
			Accuracy: svg.querySelectorAll('.marker circle.accuracy').length,
			Neighbours: svg.querySelectorAll('path.neighbour').length,
			Ventura: !!svg.querySelector('path.neighbour[data-geoid="06111"]'),
			PointInCounty: !!dot && county.isPointInFill(new DOMPoint(dot.cx.baseVal.value, dot.cy.baseVal.value)),
			Width: svg.getBoundingClientRect().width,
		};
	})()`, geoid, token, point, geoid)
}

// The case's locator map is drawn from the appliance's own answer, in the page's language,
// with the county, its neighbours, the marker in the county and a title naming it; axe finds
// nothing to fault; and no request leaves loopback (no tile server, no font, nothing).
func TestBrowserLocatorMap(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "los-angeles")
	token := staffToken(t, a.URL, email, password)

	tb := newTab(t, bctx)
	var mu sync.Mutex
	var requested []string
	if err := chromedp.Listen(tb.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	tb.navigate(a.URL + "/staff/")
	tb.waitText("Entrar como personal", 10*time.Second)

	downtown := `{lat: 34.0522, lon: -118.2437, accuracy: 20000}` // a fix to 20 km: wider than the marker
	got := eval[drawn](tb, drawScript(token, "06037", downtown))
	if got.Role != "img" || !got.Labelled {
		t.Errorf("the map is not an image labelled by its title: role %q, labelled %v", got.Role, got.Labelled)
	}
	if !strings.Contains(got.Title, "Mapa de ubicación: Los Angeles County, CA") || !strings.Contains(got.Title, "punto rojo") {
		t.Errorf("Spanish title: %q", got.Title)
	}
	if !strings.Contains(got.Desc, "Consulado de México en Los Ángeles") || !strings.Contains(got.Desc, "Michael Bostock") {
		t.Errorf("description: %q", got.Desc)
	}
	if got.County != 1 || got.Marker != 1 || got.Accuracy != 1 || !got.Ventura || got.Neighbours < 4 {
		t.Errorf("drawn: %+v", got)
	}
	if !got.PointInCounty {
		t.Error("downtown Los Angeles is drawn outside Los Angeles County")
	}
	if got.Width < 280 || got.Width > viewW {
		t.Errorf("the map is %.0f px wide on a %d px screen", got.Width, viewW)
	}
	tb.axe(axeSource(t), "locator map (es)")
	tb.shot("locator-es")

	eval[bool](tb, `import('/js/i18n.js').then(m => (m.setLang('en'), true))`)
	got = eval[drawn](tb, drawScript(token, "06037", "null"))
	if !strings.HasPrefix(got.Title, "Locator map: Los Angeles County, CA") || strings.Contains(got.Title, "red dot") || got.Marker != 0 {
		t.Errorf("English, no point: title %q, %d markers", got.Title, got.Marker)
	}
	// Across the antimeridian: an island west of it (Attu, 52.9N 172.9E) is marked on the map.
	got = eval[drawn](tb, drawScript(token, "02016", `{lat: 52.85, lon: 173.1, accuracy: 15}`))
	if got.County != 1 || got.Marker != 1 || got.Accuracy != 0 || got.Width < 280 {
		t.Errorf("the Aleutians: %+v", got)
	}
	tb.axe(axeSource(t), "locator map (en)")
	tb.shot("locator-en")
	eval[bool](tb, `import('/js/i18n.js').then(m => (m.setLang('es'), true))`)

	mu.Lock()
	defer mu.Unlock()
	if len(requested) == 0 {
		t.Fatal("no request was seen: the listener heard nothing")
	}
	for _, raw := range requested {
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("request to %q: %v", raw, err)
			continue
		}
		if u.Scheme == "data" || u.Scheme == "blob" {
			continue
		}
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			t.Errorf("a request left loopback: %s", raw)
		}
	}
}
