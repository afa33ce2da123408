package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"alertbutton/hooks/phone"
)

// regWords are the registration's words a test clicks or reads, per language.
type regWords struct {
	lang, register, next, finish, step, understood, home, toggle string
}

var regLangs = []regWords{
	{"es", "Registrarme", "Siguiente", "Terminar registro", "Paso %d de 4", "Entendimos: ", "¿Te están deteniendo?", ""},
	{"en", "Register", "Next", "Finish registration", "Step %d of 4", "We understood: ", "Are you being detained?", "English"},
}

// freshRegistration opens the welcome screen signed out, with no registration on the phone,
// in w's language, and starts registering.
func freshRegistration(tb *tab, base string, w regWords) {
	tb.t.Helper()
	// cleared away from the app, whose sign-in refresh could write the session back
	tb.navigate(base + "/manifest.json")
	eval[bool](tb, `(localStorage.clear(), sessionStorage.clear(), true)`)
	tb.navigate(base + "/")
	if w.toggle != "" {
		tb.clickText(w.toggle)
		tb.waitJS(`document.documentElement.lang === '`+w.lang+`'`, 5*time.Second)
	}
	tb.clickText(w.register)
	tb.waitText(fmt.Sprintf(w.step, 1), 5*time.Second)
}

// reload reloads the page as a person would and waits for the new page to show step.
func (tb *tab) reload(w regWords, step int) {
	tb.t.Helper()
	eval[bool](tb, `(window.__beforeReload = true)`)
	tb.do(chromedp.Reload())
	want := fmt.Sprintf(`!window.__beforeReload && document.body && document.body.innerText.includes(%q)`, fmt.Sprintf(w.step, step))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		// the page's context is replaced during the reload: an error here is a retry
		if ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](want)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("after a reload the page does not show %q:\n%s", fmt.Sprintf(w.step, step), tb.text())
		}
	}
}

// goHash moves the app to hash as a typed address would (same page).
func (tb *tab) goHash(hash string) {
	tb.t.Helper()
	eval[bool](tb, fmt.Sprintf(`(location.hash = %q, true)`, hash))
}

func (tb *tab) value(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {}).value || ''`, sel))
}

// visibleErrors are the error lines the screen shows.
func (tb *tab) visibleErrors() []string {
	return eval[[]string](tb, `[...document.querySelectorAll('.error')].filter(e => !e.hidden && e.textContent.trim()).map(e => e.textContent.trim())`)
}

// A reload at every step of the registration, in both languages, reopens that step with
// what was typed (never the password), and a reload or an address cannot skip a step left
// undone; the draft is gone once registered.
func TestBrowserRegistrationSurvivesReloads(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	for i, w := range regLangs {
		t.Run(w.lang, func(t *testing.T) {
			tb := newTab(t, bctx)
			freshRegistration(tb, a.URL, w)
			typed := fmt.Sprintf("(559) 555-01%d1", 4+i)
			e164 := fmt.Sprintf("+1 559 555 01%d1", 4+i)

			// step 1
			tb.fill(`input[name=phone]`, typed)
			tb.waitText(w.understood+e164, 5*time.Second)
			tb.reload(w, 1)
			if got := tb.value(`input[name=phone]`); got != typed {
				t.Fatalf("after a reload at step 1 the phone reads %q, want %q", got, typed)
			}
			tb.waitText(w.understood+e164, 5*time.Second)
			tb.clickText(w.next)

			// step 2: a reload keeps it; an emptied name cannot be skipped by reload or address
			tb.waitText(fmt.Sprintf(w.step, 2), 5*time.Second)
			tb.fill(`input[name=name]`, "Inés Ramírez")
			tb.reload(w, 2)
			if got := tb.value(`input[name=name]`); got != "Inés Ramírez" {
				t.Fatalf("after a reload at step 2 the name reads %q", got)
			}
			tb.fill(`input[name=name]`, " ")
			tb.goHash("#/register/4")
			tb.reload(w, 2)
			tb.fill(`input[name=name]`, "Inés Ramírez")
			tb.clickText(w.next)

			// step 3, with the sealed details
			tb.waitText(fmt.Sprintf(w.step, 3), 5*time.Second)
			tb.fill(`input[name=zip]`, "93721")
			tb.fill(`input[name=id_document]`, "MAT-SENTINEL-77")
			tb.fill(`textarea[name=address]`, "Calle Olivo 12")
			tb.reload(w, 3)
			for sel, want := range map[string]string{`input[name=zip]`: "93721", `input[name=id_document]`: "MAT-SENTINEL-77", `textarea[name=address]`: "Calle Olivo 12"} {
				if got := tb.value(sel); got != want {
					t.Errorf("after a reload at step 3 %s reads %q, want %q", sel, got, want)
				}
			}
			tb.clickText(w.next)

			// step 4: the consent is kept, the password is not, anywhere
			tb.waitText(fmt.Sprintf(w.step, 4), 5*time.Second)
			tb.click(`#consent-box`)
			tb.fill(`input[name=password]`, "una-clave-SENTINEL")
			tb.reload(w, 4)
			if !eval[bool](tb, `document.querySelector('#consent-box').checked`) || tb.value(`input[name=password]`) != "" {
				t.Fatal("after a reload at step 4: the consent is lost or the password came back")
			}
			stored := eval[string](tb, `JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})`)
			if strings.Contains(stored, "una-clave-SENTINEL") {
				t.Fatalf("the password was written to the phone: %s", stored)
			}
			if !strings.Contains(eval[string](tb, `localStorage.getItem('ab.register')`), "Inés Ramírez") ||
				strings.Contains(eval[string](tb, `localStorage.getItem('ab.register')`), "MAT-SENTINEL") {
				t.Fatal("the draft is not in localStorage, or the sealed details are (they belong in sessionStorage)")
			}
			// a finish without the password is stopped here, with one error
			tb.clickText(w.finish)
			if errs := tb.visibleErrors(); len(errs) != 1 || !strings.Contains(tb.text(), fmt.Sprintf(w.step, 4)) {
				t.Fatalf("finishing without the password: errors %q", errs)
			}
			tb.fill(`input[name=password]`, "una-clave-segura")
			tb.clickText(w.finish)
			tb.waitText(w.home, 15*time.Second)
			if left := eval[string](tb, `(localStorage.getItem('ab.register') || '') + (sessionStorage.getItem('ab.register.sealed') || '')`); left != "" {
				t.Fatalf("the draft outlived the registration: %s", left)
			}
			tb.shot("registration-done-" + w.lang)
		})
	}
}

// A registration opened at a later step on a phone with nothing typed starts at step 1.
func TestBrowserRegistrationCannotSkipSteps(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	tb := newTab(t, bctx)
	for _, w := range regLangs {
		freshRegistration(tb, a.URL, w)
		for _, step := range []string{"2", "3", "4"} {
			tb.goHash("#/register/" + step)
			tb.reload(w, 1)
		}
		tb.fill(`input[name=phone]`, "559 555 0160")
		tb.clickText(w.next)
		tb.waitText(fmt.Sprintf(w.step, 2), 5*time.Second)
		tb.goHash("#/register/4")
		tb.reload(w, 2)
		// reopening the app from its start resumes where the person was
		tb.navigate(a.URL + "/")
		tb.clickText(w.register)
		tb.waitText(fmt.Sprintf(w.step, 2), 5*time.Second)
	}
}

// The phone as people type it: the app shows the number it understood, the server stores
// that very number, and the app's rules and the server's agree on every form.
func TestBrowserRegistrationPhoneFormats(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	tb := newTab(t, bctx)
	cases := []struct{ typed, shown, stored string }{
		{"559 555 0171", "+1 559 555 0171", "+15595550171"},
		{"(559) 555-0172", "+1 559 555 0172", "+15595550172"},
		{"559-555-0173", "+1 559 555 0173", "+15595550173"},
		{"+1 559 555 0174", "+1 559 555 0174", "+15595550174"},
		{"+52 55 1234 0175", "+52 55 1234 0175", "+525512340175"},
		{"+52 1 662 123 0176", "+52 662 123 0176", "+526621230176"},
	}
	for i, c := range cases {
		w := regLangs[i%2]
		freshRegistration(tb, a.URL, w)
		tb.fill(`input[name=phone]`, c.typed)
		tb.waitText(w.understood+c.shown, 5*time.Second)
		tb.clickText(w.next)
		tb.fill(`input[name=name]`, "Persona "+fmt.Sprint(i))
		tb.clickText(w.next)
		tb.fill(`input[name=zip]`, "93721")
		tb.clickText(w.next)
		tb.fill(`input[name=password]`, "una-clave-segura")
		tb.click(`#consent-box`)
		tb.clickText(w.finish)
		tb.waitText(w.home, 15*time.Second)
		token := eval[string](tb, `JSON.parse(localStorage.getItem('ab.session')).token`)
		id := eval[string](tb, `JSON.parse(localStorage.getItem('ab.session')).id`)
		var rec struct{ Phone string }
		if code := apiCall(t, "GET", a.URL+"/api/collections/registrants/records/"+id, token, nil, &rec); code != 200 || rec.Phone != c.stored {
			t.Errorf("%q: the server stored %q (%d), want %q", c.typed, rec.Phone, code, c.stored)
		}
	}

	// one set of rules: what the app reads is what the server reads, and what one refuses the other does
	tb.navigate(a.URL + "/")
	for _, typed := range []string{
		"559 555 1234", "(559) 555-1234", "559-555-1234", "559.555.1234", "1 559 555 1234", "+1 559 555 1234",
		"+52 55 1234 5678", "+52 1 55 1234 5678", "52 662 123 4567", "011 52 55 1234 5678", "0052 662 123 4567",
		"+44 20 7946 0958", "555 1234", "559 555 123", "+1 159 555 1234", "+52 55 1234 567", "abc", "",
	} {
		js := eval[string](tb, fmt.Sprintf(`import('/js/phone.js').then(m => m.normalizePhone(%q))`, typed))
		goes, _ := phone.Normalize(typed)
		if js != goes {
			t.Errorf("%q: the app reads %q, the server %q", typed, js, goes)
		}
	}
}

// A server error is shown on the step of its field, alone: a phone the server refuses sends
// the person back to step 1 with the message under the phone; an under-age birth date to step 3.
func TestBrowserRegistrationErrorOnItsStep(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	tb := newTab(t, bctx)
	wantPhone := map[string]string{"es": "No entendimos el teléfono", "en": "We did not understand the phone number"}
	wantAdult := map[string]string{"es": "Necesitas tener 18 años o más", "en": "You must be 18 or older"}
	for i, w := range regLangs {
		freshRegistration(tb, a.URL, w)
		tb.fill(`input[name=phone]`, fmt.Sprintf("559 555 018%d", i))
		tb.clickText(w.next)
		tb.fill(`input[name=name]`, "Ana Torres")
		tb.clickText(w.next)
		tb.fill(`input[name=zip]`, "93721")
		eval[bool](tb, `(() => { const d = document.querySelector('input[name=birth_date]'); d.value = '2015-01-01';
			d.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`)
		tb.clickText(w.next)
		tb.fill(`input[name=password]`, "una-clave-segura")
		tb.click(`#consent-box`)
		// the server sees a phone it cannot read (as if the app's rules lagged the server's)
		eval[bool](tb, `(() => { const f = window.fetch; window.fetch = (u, o) => {
			if (String(u).includes('/collections/registrants/records') && o && o.method === 'POST') {
				const b = JSON.parse(o.body); b.phone = '+1 555'; o = { ...o, body: JSON.stringify(b) };
			}
			return f(u, o); }; return true; })()`)
		tb.clickText(w.finish)
		tb.waitText(fmt.Sprintf(w.step, 1), 10*time.Second)
		errs := tb.visibleErrors()
		if len(errs) != 1 || !strings.Contains(errs[0], wantPhone[w.lang]) {
			t.Fatalf("%s: a refused phone shows %q at step 1, want one error under the phone", w.lang, errs)
		}
		if !eval[bool](tb, `document.querySelector('input[name=phone]').getAttribute('aria-invalid') === 'true'`) {
			t.Errorf("%s: the phone field is not marked invalid", w.lang)
		}
		tb.shot("registration-phone-error-" + w.lang)
		// the birth date: the server alone knows the person is under age
		tb.do(chromedp.Reload()) // drops the patched fetch; the draft brings back step 1
		tb.waitText(fmt.Sprintf(w.step, 1), 10*time.Second)
		tb.clickText(w.next)
		tb.clickText(w.next)
		tb.clickText(w.next)
		tb.fill(`input[name=password]`, "una-clave-segura")
		tb.clickText(w.finish)
		tb.waitText(fmt.Sprintf(w.step, 3), 10*time.Second)
		errs = tb.visibleErrors()
		if len(errs) != 1 || !strings.Contains(errs[0], wantAdult[w.lang]) {
			t.Fatalf("%s: an under-age birth date shows %q at step 3, want one error under the date", w.lang, errs)
		}
	}
}

// Registering a phone that already has an account is answered like a new one (its owner gets
// an SMS); the app's sign-in after it fails, and the person is told what to do, in their
// language, without being told the number is taken, and is not let in.
func TestBrowserRegistrationOfATakenPhoneSaysWhatToDo(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	owner := newTab(t, bctx)
	registerInBrowser(owner, a.URL, "559 555 0190", "Dueña Real")
	want := map[string]string{"es": "No pudimos abrir tu cuenta", "en": "We could not open your account"}
	for _, w := range regLangs {
		tb := newTab(t, bctx)
		freshRegistration(tb, a.URL, w)
		tb.fill(`input[name=phone]`, "(559) 555-0190")
		tb.clickText(w.next)
		tb.fill(`input[name=name]`, "Otra Persona")
		tb.clickText(w.next)
		tb.fill(`input[name=zip]`, "93721")
		tb.clickText(w.next)
		tb.fill(`input[name=password]`, "otra-clave-segura")
		tb.click(`#consent-box`)
		tb.clickText(w.finish)
		tb.waitText(want[w.lang], 15*time.Second)
		if txt := tb.text(); strings.Contains(txt, w.home) || strings.Contains(strings.ToLower(txt), "failed to authenticate") {
			t.Fatalf("%s: a taken phone let the person in or showed the raw error:\n%s", w.lang, txt)
		}
		if eval[bool](tb, `!!localStorage.getItem('ab.session')`) {
			t.Fatalf("%s: a session was saved for a taken phone", w.lang)
		}
	}
}

// Until IT enters the consulate's phone, the screens that would show it say so and give
// the CIAM's 24-hour line, to the registrant and to a relative, in both languages; once
// entered, the number shows instead.
func TestBrowserConsulatePhoneMissingSaysSo(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	it := staffToken(t, a.URL, email, password)

	tb := newTab(t, bctx)
	registerInBrowser(tb, a.URL, "559 555 0190", "Rosa Díaz")
	link := addRelative(tb, "Luis")
	relative := newTab(t, bctx)

	screens := map[string]string{"officer": "/#/officer", "rights": "/#/rights"}
	mine := map[string]string{
		"es": "Tu consulado todavía no registró su teléfono. Llama a la línea de 24 horas del CIAM: +1 520 623 7874",
		"en": "Your consulate has not registered its phone number yet. Call the CIAM 24-hour line: +1 520 623 7874",
	}
	theirs := map[string]string{
		"es": "El consulado todavía no registró su teléfono. Llama a la línea de 24 horas del CIAM: +1 520 623 7874",
		"en": "The consulate has not registered its phone number yet. Call the CIAM 24-hour line: +1 520 623 7874",
	}
	toggle := map[string]string{"es": "Español", "en": "English"}
	ciamLink := `document.querySelector('.calls a[href="tel:+15206237874"]') !== null`
	for _, lang := range []string{"es", "en"} {
		for name, path := range screens {
			tb.navigate(a.URL + path)
			if eval[string](tb, `document.documentElement.lang`) != lang {
				tb.clickText(toggle[lang])
			}
			tb.waitText(mine[lang], 10*time.Second)
			if !eval[bool](tb, ciamLink) {
				t.Errorf("%s (%s): no link to call the CIAM", name, lang)
			}
		}
		// the help dialog, on every screen
		tb.navigate(a.URL + "/#/home")
		eval[bool](tb, `(document.querySelector('.helpbtn').click(), true)`)
		tb.waitJS(`document.querySelector('dialog[open]') !== null && document.querySelector('dialog[open]').innerText.includes(`+fmt.Sprintf("%q", mine[lang])+`)`, 5*time.Second)
		eval[bool](tb, `(document.querySelectorAll('dialog[open]').forEach(d => d.close()), true)`)

		relative.navigate(link)
		if eval[string](relative, `document.documentElement.lang`) != lang {
			relative.clickText(toggle[lang])
		}
		relative.waitText(theirs[lang], 10*time.Second)
		if strings.Contains(relative.text(), mine[lang]) {
			t.Errorf("the family page (%s) speaks of the relative's own consulate", lang)
		}
	}

	// IT enters the number: it shows instead of the sentence
	var list struct{ Items []struct{ ID string } }
	apiCall(t, "GET", a.URL+`/api/collections/consulates/records?filter=code%3D%22fresno%22`, it, nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("fresno's consulate row: %+v", list)
	}
	if code := apiCall(t, "PATCH", a.URL+"/api/collections/consulates/records/"+list.Items[0].ID, it, map[string]string{"phone": "+1 559 233 3065"}, nil); code != 200 {
		t.Fatalf("IT setting the phone: %d", code)
	}
	tb.navigate(a.URL + "/#/officer")
	tb.do(chromedp.Reload()) // the app asks for the consulate's details once per load
	tb.waitJS(`(localStorage.getItem('ab.consulate') || '').includes('+1 559 233 3065')`, 10*time.Second)
	tb.do(chromedp.Reload())
	tb.waitText("+1 559 233 3065", 10*time.Second)
	if strings.Contains(tb.text(), mine["es"]) || strings.Contains(tb.text(), mine["en"]) {
		t.Error("the officer screen still says the consulate has no phone")
	}
	relative.navigate(link)
	relative.do(chromedp.Reload())
	relative.waitText("+1 559 233 3065", 10*time.Second)
}
