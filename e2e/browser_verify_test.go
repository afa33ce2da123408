package e2e

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	app "alertbutton/hooks/appliance"
	"alertbutton/hooks/sms/smstest"
)

// startWithSMS starts the appliance with its SMS going to a fake provider on loopback.
func startWithSMS(t *testing.T, code string) (*appliance, *smstest.Server) {
	t.Helper()
	p := smstest.New(t)
	t.Setenv(app.SMSTokenEnv, smstest.Token)
	dir := filepath.Join(t.TempDir(), "pb_data")
	a := start(t, dir, code, "--sms-account", smstest.Account, "--sms-from", "+15595550100", "--sms-base-url", p.URL)
	return a, p
}

var smsCode = regexp.MustCompile(`\b[0-9]{6}\b`)

// nthCode waits for the n-th SMS (from 1) to phone and returns its 6-digit code.
func nthCode(t *testing.T, p *smstest.Server, phone string, n int) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var got []string
		for _, m := range p.Messages() {
			if m.To == phone {
				got = append(got, m.Body)
			}
		}
		if len(got) >= n {
			code := smsCode.FindString(got[n-1])
			if code == "" {
				t.Fatalf("no code in the SMS %q", got[n-1])
			}
			return code
		}
	}
	t.Fatalf("no SMS number %d to %s", n, phone)
	return ""
}

// A new account works at once, with a banner until the code from the SMS is typed; a person
// who forgot their password gets a code by SMS on the sign-in screen and sets a new one.
// Spanish for one person, English for another; axe-core checks each screen on the way.
func TestBrowserVerifyPhoneAndRecoverBySMS(t *testing.T) {
	a, provider := startWithSMS(t, "fresno")
	axe := axeSource(t)

	for _, c := range []struct {
		lang, typed, e164, name                                     string
		banner, title, verify, done, signout, forgot, sendSMS, sent string
		change, changed, signin, home                               string
	}{
		{"es", "559 555 0141", "+15595550141", "Rosa Díaz",
			"Tu teléfono no está verificado", "Verifica tu teléfono", "Verificar", "¿Te están deteniendo?", "Salir de la cuenta",
			"¿Olvidaste tu contraseña?", "Mandarme un código por SMS", "te llegará un SMS con un código de 6 números",
			"Cambiar contraseña", "Listo. Ya puedes entrar con tu contraseña nueva.", "Entrar", "¿Te están deteniendo?"},
		{"en", "559 555 0142", "+15595550142", "Pedro Ruiz",
			"Your phone is not verified", "Verify your phone", "Verify", "Are you being detained?", "Sign out",
			"Forgot your password?", "Send me a code by SMS", "you will get an SMS with a 6-digit code",
			"Change password", "Done. You can sign in with your new password.", "Sign in", "Are you being detained?"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			phone := newTab(t, newBrowser(t)) // a phone of their own
			registerInBrowser(phone, a.URL, c.typed, c.name)
			if c.lang == "en" {
				phone.clickText("English")
				phone.waitJS(`document.documentElement.lang === 'en'`, 5*time.Second)
			}
			phone.waitText(c.banner, 10*time.Second)
			phone.axe(axe, "home, phone not verified ("+c.lang+")")
			// red on the home screen is for an alert; an unverified phone is not one
			if eval[bool](phone, `(() => { const probe = document.createElement('div'); probe.style.background = 'var(--red)';
				document.body.append(probe); const red = getComputedStyle(probe).backgroundColor; probe.remove();
				return getComputedStyle(document.querySelector('.banner.unverified')).backgroundColor === red; })()`) {
				t.Errorf("%s: the unverified banner is red, like an alert", c.lang)
			}
			phone.click(".banner.unverified")
			phone.waitText(c.title, 10*time.Second)
			phone.shot("verify-" + c.lang)
			phone.axe(axe, "verify ("+c.lang+")")

			// A wrong code is refused where it was typed; the code from the SMS verifies.
			code := nthCode(t, provider, c.e164, 1)
			wrong := "000000"
			if code == wrong {
				wrong = "111111"
			}
			phone.fill(`input[name=phoneCode]`, wrong)
			phone.click(`.screen.verify button[type=submit]`)
			phone.waitJS(`document.querySelector('input[name=phoneCode][aria-invalid=true]') !== null`, 10*time.Second)
			phone.fill(`input[name=phoneCode]`, code)
			phone.click(`.screen.verify button[type=submit]`)
			phone.waitText(c.done, 10*time.Second)
			phone.waitJS(`document.querySelector('.banner.unverified') === null`, 5*time.Second)

			// Forgot the password: a code by SMS to the verified phone, then a new password.
			phone.navigate(a.URL + "/#/settings")
			phone.clickText(c.signout)
			phone.navigate(a.URL + "/#/signin")
			phone.waitText(c.forgot, 10*time.Second)
			phone.click("details.recover summary")
			phone.fill(`input[name=recoverPhone]`, c.typed)
			phone.clickText(c.sendSMS)
			phone.waitText(c.sent, 10*time.Second)
			phone.shot("recover-sms-" + c.lang)
			phone.axe(axe, "recovery by SMS ("+c.lang+")")
			phone.fill(`input[name=code]`, nthCode(t, provider, c.e164, 2))
			phone.fill(`input[name=newPassword]`, "otra-clave-segura")
			phone.clickText(c.change)
			phone.waitText(c.changed, 10*time.Second)
			phone.fill(`input[name=password]`, "otra-clave-segura")
			phone.click(`.screen.signin form button[type=submit]`)
			phone.waitText(c.home, 15*time.Second)
			phone.checkFaults()
		})
	}
}
