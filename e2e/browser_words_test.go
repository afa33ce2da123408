package e2e

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/i18n"
)

// rawCode is what reads as a code instead of words: snake_case, a dotted key (a missing
// string shows its key), an unfilled {placeholder}, a JavaScript value printed as it is.
var rawCode = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z][a-z0-9_]+(?:\.[a-z0-9_]{2,})+\b|\{[a-zA-Z_]+\}|\bundefined\b|\bnull\b|\bNaN\b|\[object Object\]`)

// notCode are the dotted words people do read: web addresses and e-mail domains.
var notCode = regexp.MustCompile(`^[a-z0-9.-]+\.(gov|gob|com|org|net|mx|us|io)$`)

// rawCodes are the codes in s.
func rawCodes(s string) []string {
	var out []string
	for _, m := range rawCode.FindAllString(s, -1) {
		if !notCode.MatchString(m) {
			out = append(out, m)
		}
	}
	return out
}

var placeholderRE = regexp.MustCompile(`\{[a-zA-Z_]+\}`)

func placeholderSet(s string) []string {
	p := placeholderRE.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// visibleWords are the texts the page shows or reads out: each visible text node, the
// labels and titles of visible elements, and the page's title.
const visibleWords = `(() => {
	const out = [document.title];
	const seen = (el) => !el.checkVisibility || el.checkVisibility();
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const el = n.parentElement;
		if (!el || el.closest('script, style, noscript') || !seen(el)) continue;
		const s = n.nodeValue.trim();
		if (s) out.push(s);
	}
	for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
		if (!seen(el)) continue;
		for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
			const v = el.getAttribute(a);
			if (v) out.push(v);
		}
	}
	return out;
})()`

// checkWords fails the test where the page shows a code or a missing string, or, in
// Spanish, speaks with usted.
func (tb *tab) checkWords(screen string) {
	tb.t.Helper()
	lang := eval[string](tb, `document.documentElement.lang`)
	for _, s := range eval[[]string](tb, visibleWords) {
		if codes := rawCodes(s); len(codes) > 0 {
			tb.t.Errorf("%s (%s) shows a code %v in %q", screen, lang, codes, s)
		}
		if lang == "es" {
			if form := i18n.Usted(s); form != "" {
				tb.t.Errorf("%s (es) speaks with usted (%q): %q", screen, form, s)
			}
		}
	}
}

// wordsInBothLanguages checks a screen's words in Spanish and in English; prepare, when
// given, brings the screen back after the language switch re-renders it.
func (tb *tab) wordsInBothLanguages(screen string, prepare func()) {
	tb.t.Helper()
	for _, lang := range []string{"es", "en", "es"} {
		if eval[string](tb, `document.documentElement.lang`) != lang {
			eval[bool](tb, `(document.querySelectorAll('dialog[open]').forEach(d => d.close()), true)`)
			tb.clickText(map[string]string{"es": "Español", "en": "English"}[lang])
			tb.waitJS(`document.documentElement.lang === '`+lang+`'`, 5*time.Second)
			time.Sleep(400 * time.Millisecond) // screens that load data re-render once it comes
		}
		if prepare != nil {
			prepare()
		}
		tb.checkWords(screen)
	}
}

// eventTypes are every timeline event type the server writes (vocab's constants in
// events.go), read from the source so that a type added later is checked too.
func eventTypes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "hooks", "alerts", "vocab", "events.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				types = append(types, s)
			}
		}
		return true
	})
	if len(types) < 20 {
		t.Fatalf("read only %d event types from vocab", len(types))
	}
	return types
}

// Every string of the app is in both languages with the same placeholders, reads as words
// (no code), speaks with tú in Spanish; every event type and status the server writes has
// its own sentence in both languages; and every screen, the timeline of a case the
// consulate worked on included, shows no code in either language.
func TestBrowserWordsEverywhere(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	tb := newTab(t, bctx)
	tb.grant(a.URL, fresnoLat, fresnoLon)
	tb.navigate(a.URL + "/")
	tb.waitText("Registrarme", 10*time.Second)

	checkStrings(t, tb)
	checkEventSentences(t, tb)

	tb.wordsInBothLanguages("welcome", nil)
	// a step opens only after the ones before it are filled
	tb.navigate(a.URL + "/#/register/1")
	for step, fill := range []func(){
		func() { tb.fill(`input[name=phone]`, "559 555 0116") },
		func() { tb.fill(`input[name=name]`, "Ana Torres") },
		func() { tb.fill(`input[name=zip]`, "93721") },
		nil,
	} {
		tb.waitText(fmt.Sprintf("Paso %d de 4", step+1), 5*time.Second)
		tb.wordsInBothLanguages(fmt.Sprintf("register-%d", step+1), nil)
		if fill != nil {
			fill()
			tb.clickText("Siguiente")
		}
	}
	tb.navigate(a.URL + "/#/signin")
	tb.waitText("Tu contraseña", 5*time.Second)
	tb.wordsInBothLanguages("signin", nil)
	tb.navigate(a.URL + "/#/rights")
	tb.waitText("Guarda silencio", 5*time.Second)
	tb.wordsInBothLanguages("rights", nil)

	registerInBrowser(tb, a.URL, "559 555 0117", "Rosa Díaz")
	tb.wordsInBothLanguages("home", nil)
	addRelative(tb, "Luis")
	tb.wordsInBothLanguages("relatives", nil)
	tb.clickText("Cita")
	tb.waitText("Iniciar temporizador", 5*time.Second)
	tb.wordsInBothLanguages("checkin", nil)
	tb.clickText("Ajustes")
	tb.waitText("Tus PIN", 5*time.Second)
	tb.wordsInBothLanguages("settings", nil)
	tb.navigate(a.URL + "/#/officer")
	tb.waitText("Para mostrar a un agente", 5*time.Second)
	tb.wordsInBothLanguages("officer", nil)
	setPINs(t, tb, a.URL, "1234", "9876")

	tb.clickText("Inicio")
	tb.hold(".hold", 2500*time.Millisecond)
	tb.waitText("Alerta enviada", 20*time.Second)
	tb.waitText("Consulado de México en Fresno", 15*time.Second)
	tb.wordsInBothLanguages("home-sent", nil)

	// the consulate works the case: every milestone the phone is shown
	itToken := staffToken(t, a.URL, itEmail, itPassword)
	consul := consulToken(t, a.URL, dir, itToken)
	var me struct {
		Record struct{ ID string } `json:"record"`
	}
	apiCall(t, "POST", a.URL+"/api/collections/_superusers/auth-refresh", consul, nil, &me)
	var facility struct{ ID string }
	if code := apiCall(t, "POST", a.URL+"/api/collections/facilities/records", itToken,
		map[string]any{"name": "Mesa Verde ICE Processing Center", "kind": "detention_center", "active": true}, &facility); code != 200 {
		t.Fatalf("IT adding a facility: %d", code)
	}
	stored := storedAlerts(t, a.URL, itToken)
	if len(stored) != 1 {
		t.Fatalf("%d alerts stored, want 1", len(stored))
	}
	for _, change := range []map[string]any{
		{"status": "acknowledged"}, {"assigned_to": me.Record.ID}, {"facility": facility.ID},
		{"status": "in_progress"}, {"facility": ""}, {"status": "resolved"},
	} {
		if code := apiCall(t, "PATCH", a.URL+"/api/collections/alerts/records/"+stored[0].ID, consul, change, nil); code != 200 {
			t.Fatalf("the consul's change %v: %d", change, code)
		}
	}
	tb.navigate(a.URL + "/#/alerts")
	tb.waitText("Ver detalle", 10*time.Second)
	tb.wordsInBothLanguages("alerts", nil)
	tb.navigate(a.URL + "/#/alerts/" + stored[0].UID)
	tb.waitText("Qué pasó", 10*time.Second)
	tb.waitJS(`document.querySelectorAll('ol.timeline li').length >= 7`, 10*time.Second)
	tb.wordsInBothLanguages("alert-detail", nil)
	for _, lang := range []string{"es", "en"} {
		if eval[string](tb, `document.documentElement.lang`) != lang {
			tb.clickText(map[string]string{"es": "Español", "en": "English"}[lang])
			tb.waitJS(`document.documentElement.lang === '`+lang+`'`, 5*time.Second)
			tb.waitJS(`document.querySelectorAll('ol.timeline li').length >= 7`, 10*time.Second)
		}
		lines := eval[[]string](tb, `[...document.querySelectorAll('ol.timeline li span:not(.when)')].map(s => s.textContent)`)
		generic := eval[[]string](tb, `import('/js/i18n.js').then(({t}) => [t('event.other'), t('event.status')])`)
		for _, l := range lines {
			if slices.Contains(generic, l) {
				t.Errorf("the timeline (%s) says %q without saying what changed: %q", lang, l, lines)
			}
		}
		if n := len(slices.Compact(slices.Clone(lines))); n < 7 {
			t.Errorf("the timeline (%s) repeats itself: %q", lang, lines)
		}
	}
	tb.clickText("Español")

	tb.clickText("Familia")
	link := addRelative(tb, "Carmen")
	family := newTab(t, bctx)
	family.navigate(link)
	family.waitText("Familia de Rosa", 10*time.Second)
	family.wordsInBothLanguages("family", nil)

	staff := newTab(t, bctx)
	staff.navigate(a.URL + "/staff/")
	staff.waitText("Entrar como personal", 10*time.Second)
	staff.wordsInBothLanguages("staff-signin", nil)
	signInStaff(staff, a.URL, itEmail, itPassword)
	staff.wordsInBothLanguages("staff-board", nil)
}

// checkStrings checks strings.js: the same keys in both languages, none empty, the same
// placeholders, words rather than codes, and tú in Spanish (the officer card's too).
func checkStrings(t *testing.T, tb *tab) {
	t.Helper()
	all := eval[map[string]map[string]string](tb, `import('/js/strings.js').then(({strings}) => strings)`)
	es, en := all["es"], all["en"]
	if len(es) < 100 || len(en) < 100 {
		t.Fatalf("strings.js has %d Spanish and %d English strings", len(es), len(en))
	}
	for k, v := range es {
		w, ok := en[k]
		switch {
		case !ok:
			t.Errorf("%s is in Spanish only", k)
		case strings.TrimSpace(v) == "" || strings.TrimSpace(w) == "":
			t.Errorf("%s is empty in one language: %q / %q", k, v, w)
		case !slices.Equal(placeholderSet(v), placeholderSet(w)):
			t.Errorf("%s: the placeholders differ: %q / %q", k, v, w)
		}
		if form := i18n.Usted(v); form != "" {
			t.Errorf("%s speaks with usted (%q): %q", k, form, v)
		}
	}
	for k, v := range en {
		if _, ok := es[k]; !ok {
			t.Errorf("%s is in English only", k)
		}
		if codes := rawCodes(placeholderRE.ReplaceAllString(v+" "+es[k], "")); len(codes) > 0 {
			t.Errorf("%s holds a code %v: %q / %q", k, codes, es[k], v)
		}
	}
	officer := eval[[]string](tb, `import('/js/strings.js').then((m) =>
		m.OFFICER_LINES.concat(m.OFFICER_CONSULATE, m.OFFICER_CONSULATE_ANY).map((l) => l.es))`)
	for _, v := range officer {
		if form := i18n.Usted(v); form != "" {
			t.Errorf("the officer card speaks with usted (%q): %q", form, v)
		}
	}
}

// checkEventSentences checks that every event type and status has its own sentence in
// both languages: not the code, not the catch-all, and a status names where it went.
func checkEventSentences(t *testing.T, tb *tab) {
	t.Helper()
	types := eventTypes(t)
	for _, lang := range []string{"es", "en"} {
		js := fmt.Sprintf(`Promise.all([import('/js/i18n.js'), import('/js/alerts.js')]).then(([i, a]) => {
			const before = i.lang();
			i.setLang(%q);
			const out = {
				other: [i.t('event.other'), i.t('event.status')],
				types: %s.map((type) => a.eventLabel({ type })),
				statuses: %s.map((status) => a.eventLabel({ type: 'status', status })),
			};
			i.setLang(before);
			return out;
		})`, lang, jsList(types), jsList(vocab.Statuses))
		got := eval[struct{ Other, Types, Statuses []string }](tb, js)
		for i, s := range got.Types {
			if s == "" || s == got.Other[0] || len(rawCodes(s)) > 0 {
				t.Errorf("%s: the event %q reads %q", lang, types[i], s)
			}
		}
		for i, s := range got.Statuses {
			if s == "" || slices.Contains(got.Other, s) || len(rawCodes(s)) > 0 {
				t.Errorf("%s: a change to %q reads %q", lang, vocab.Statuses[i], s)
			}
		}
		if n := len(slices.Compact(slices.Sorted(slices.Values(got.Statuses)))); n != len(vocab.Statuses) {
			t.Errorf("%s: two statuses read the same: %q", lang, got.Statuses)
		}
	}
}

func jsList(list []string) string {
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
