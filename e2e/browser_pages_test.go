package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Every page opens without a CSP violation or a script error, Spanish first, English one tap
// away, and every string exists in both languages.
func TestBrowserPagesOpenInBothLanguages(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	tb := newTab(t, bctx)

	tb.navigate(a.URL + "/")
	tb.waitText("Registrarme", 10*time.Second)
	missing := eval[[]string](tb, `import('/js/strings.js').then(({strings}) => {
		const es = Object.keys(strings.es), en = Object.keys(strings.en);
		return es.filter(k => !en.includes(k)).map(k => 'en:' + k).concat(en.filter(k => !es.includes(k)).map(k => 'es:' + k))
			.concat(es.filter(k => !strings.es[k] || !strings.en[k]).map(k => 'empty:' + k));
	})`)
	if len(missing) > 0 {
		t.Errorf("strings missing in one language: %v", missing)
	}

	tb.waitJS(`navigator.serviceWorker.controller !== null`, 15*time.Second)
	res, err := chromedp.Call(tb.ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.InstallabilityErrors {
		t.Errorf("not installable: %s %v", e.ErrorID, e.ErrorArguments)
	}

	tb.clickText("English")
	tb.waitText("I have an account: sign in", 5*time.Second)
	if lang := eval[string](tb, `document.documentElement.lang`); lang != "en" {
		t.Errorf("html lang is %q after switching to English", lang)
	}
	tb.clickText("Español")
	tb.waitText("Ya tengo cuenta", 5*time.Second)

	tb.clickText("Ayuda")
	tb.waitText("+1 520 623 7874", 5*time.Second)
	tel := eval[string](tb, `[...document.querySelectorAll('dialog[open] a[href^="tel:"]')].map(a => a.getAttribute('href')).join(',')`)
	if !strings.Contains(tel, "tel:+15206237874") {
		t.Errorf("help does not offer a call to the 24-hour line: %q", tel)
	}
	tb.clickText("Cerrar")

	tb.navigate(a.URL + "/family/#not-a-token")
	tb.waitText("Este enlace no sirve", 10*time.Second)
	tb.navigate(a.URL + "/staff/")
	tb.waitText("Entrar como personal", 10*time.Second)
}
