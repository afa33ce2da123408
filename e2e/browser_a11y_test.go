package e2e

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// screens checks one screen in Spanish and in English: axe-core finds no WCAG 2.2 A or AA
// violation, and a 360x740 screenshot goes to e2e/artifacts/<name>-<lang>.png. prepare,
// when given, brings the screen back after the language switch re-renders it.
type screens struct {
	t   *testing.T
	axe string
}

func (s screens) check(tb *tab, name string, prepare func()) {
	s.t.Helper()
	for _, lang := range []string{"es", "en"} {
		if eval[string](tb, `document.documentElement.lang`) != lang {
			eval[bool](tb, `(document.querySelectorAll('dialog[open]').forEach(d => d.close()), true)`)
			toggle := map[string]string{"es": "Español", "en": "English"}[lang]
			tb.clickText(toggle)
			tb.waitJS(`document.documentElement.lang === '`+lang+`'`, 5*time.Second)
		}
		time.Sleep(400 * time.Millisecond) // screens that load data re-render once it comes
		if prepare != nil {
			prepare()
		}
		tb.axe(s.axe, name+" ("+lang+")")
		tb.checkWords(name) // no code or missing string on screen, tú in Spanish (browser_words_test.go)
		tb.shot(name + "-" + lang)
	}
	eval[bool](tb, `(document.querySelectorAll('dialog[open]').forEach(d => d.close()), true)`)
	tb.clickText("Español")
	tb.waitJS(`document.documentElement.lang === 'es'`, 5*time.Second)
}

// Every screen of the three pages, in both languages, passes axe-core's WCAG 2.2 A and AA
// rules; the screenshots of each are saved for review.
func TestBrowserAccessibilityOfEveryScreen(t *testing.T) {
	s := screens{t: t, axe: axeSource(t)}
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")

	tb := newTab(t, bctx)
	tb.grant(a.URL, fresnoLat, fresnoLon)
	tb.navigate(a.URL + "/")
	tb.waitText("Registrarme", 10*time.Second)
	s.check(tb, "welcome", nil)
	// each step opens only once the one before it is filled
	tb.navigate(a.URL + "/#/register/1")
	for step, fill := range [][2]string{{`input[name=phone]`, "559 555 0199"}, {`input[name=name]`, "Rosa Díaz"}, {`input[name=zip]`, "93721"}, {}} {
		n := strconv.Itoa(step + 1)
		tb.waitText("Paso "+n+" de 4", 5*time.Second)
		s.check(tb, "register-"+n, nil)
		if fill[0] != "" {
			tb.fill(fill[0], fill[1])
			tb.clickText("Siguiente")
		}
	}
	tb.navigate(a.URL + "/#/signin")
	tb.waitText("Tu contraseña", 5*time.Second)
	s.check(tb, "signin", nil)
	tb.navigate(a.URL + "/#/rights")
	tb.waitText("Guarda silencio", 5*time.Second)
	s.check(tb, "rights", nil)
	openHelp := func() {
		eval[bool](tb, `(document.querySelector('dialog[open]') || document.querySelector('.helpbtn').click(), true)`)
		tb.waitJS(`document.querySelector('dialog[open]') !== null`, 5*time.Second)
	}
	openHelp()
	s.check(tb, "help", openHelp)

	registerInBrowser(tb, a.URL, "559 555 0103", "Rosa Díaz")
	s.check(tb, "home", nil)

	addRelative(tb, "Luis")
	showLink := func() {
		tb.click(`.contact .btn.primary`)
		tb.waitJS(`document.querySelector('svg.qr') !== null`, 10*time.Second)
	}
	s.check(tb, "relatives", showLink)

	tb.clickText("Cita")
	tb.fill(`input[name=place]`, "Oficina de ICE, Fresno")
	tb.clickText("Iniciar temporizador")
	tb.waitText("Temporizador iniciado.", 10*time.Second)
	s.check(tb, "checkin", nil)

	tb.clickText("Ajustes")
	tb.fill(`input[name=cancelPin]`, "1234")
	tb.fill(`input[name=duressPin]`, "9876")
	tb.clickText("Guardar PIN")
	tb.waitText("PIN guardados.", 10*time.Second)
	s.check(tb, "settings", nil)
	openDelete := func() {
		if eval[bool](tb, `document.querySelector('#delete-check') !== null`) {
			return
		}
		tb.clickText(map[bool]string{true: "Borrar mis datos…", false: "Delete my data…"}[eval[string](tb, `document.documentElement.lang`) == "es"])
		tb.waitJS(`document.querySelector('#delete-check') !== null`, 5*time.Second)
	}
	openDelete()
	s.check(tb, "settings-delete", openDelete)

	tb.clickText("Inicio")
	tb.hold(".hold", 2500*time.Millisecond)
	tb.waitText("Alerta enviada", 20*time.Second)
	s.check(tb, "home-sent", nil)

	tb.clickText("Alertas")
	tb.waitText("Ver detalle", 10*time.Second)
	s.check(tb, "alerts", nil)
	// the list may still be drawing itself again after the language checks: click the link
	// that is there now, not a node that was just replaced
	tb.waitJS(`document.querySelector('.screen.alerts a.btn') !== null`, 10*time.Second)
	eval[bool](tb, `(document.querySelector('.screen.alerts a.btn').click(), true)`)
	tb.waitText("Qué pasó", 10*time.Second)
	s.check(tb, "alert-detail", nil)

	staff := newTab(t, bctx)
	staff.navigate(a.URL + "/staff/")
	staff.waitText("Entrar como personal", 10*time.Second)
	s.check(staff, "staff-signin", nil)
	signInStaff(staff, a.URL, email, password)
	staff.waitJS(`document.querySelectorAll('.queue li[data-uid]').length === 1`, 10*time.Second)
	s.check(staff, "staff-board", nil)

	tb.clickText("Familia")
	link := addRelative(tb, "Carmen")
	family := newTab(t, bctx)
	family.navigate(link)
	family.waitText("Familia de Rosa", 10*time.Second)
	s.check(family, "family", nil)

	tb.clickText("Inicio")
	tb.waitText("Alerta enviada", 10*time.Second)
	tb.fill(`input[name=pin]`, "1234")
	tb.clickText("Cancelar la alerta")
	tb.waitText("Alerta cancelada.", 10*time.Second)
	tb.waitText("¿Te están deteniendo?", 10*time.Second)

	a.stop()
	tb.hold(".hold", 2500*time.Millisecond)
	tb.waitText("ALERTA NO ENVIADA TODAVÍA", 30*time.Second)
	s.check(tb, "home-not-sent", nil)
}
