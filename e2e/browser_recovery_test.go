package e2e

import (
	"path/filepath"
	"testing"
	"time"
)

// A person locked out (or whose phone was taken) calls the consulate; a consul who checked
// who they are issues a code; the person sets a new password with it on a phone, and the
// old session stops working.
func TestBrowserRecoveryCode(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	consul := consulToken(t, a.URL, dir, staffToken(t, a.URL, email, password))

	phone := newTab(t, bctx)
	registerInBrowser(phone, a.URL, "559 555 0105", "Inés Mora")
	oldToken := eval[string](phone, `JSON.parse(localStorage.getItem('ab.session')).token`)
	id := eval[string](phone, `JSON.parse(localStorage.getItem('ab.session')).id`)

	var issued struct{ Code string }
	if code := apiCall(t, "POST", a.URL+"/api/alertbutton/registrants/"+id+"/recovery-code", consul,
		map[string]string{"verifiedBy": "phone"}, &issued); code != 200 || len(issued.Code) != 8 {
		t.Fatalf("issuing a code: %d %+v", code, issued)
	}

	phone.clickText("Ajustes")
	phone.clickText("Salir de la cuenta")
	phone.navigate(a.URL + "/#/signin")
	phone.click("details.recover summary")
	phone.fill(`input[name=recoverPhone]`, "559 555 0105")
	phone.fill(`input[name=code]`, issued.Code)
	phone.fill(`input[name=newPassword]`, "otra-clave-segura")
	phone.clickText("Cambiar contraseña")
	phone.waitText("Listo. Ya puedes entrar con tu contraseña nueva.", 10*time.Second)
	phone.fill(`input[name=password]`, "otra-clave-segura")
	phone.clickText("Entrar")
	phone.waitText("¿Te están deteniendo?", 15*time.Second)

	if code := apiCall(t, "GET", a.URL+"/api/collections/registrants/records/"+id, oldToken, nil, nil); code == 200 {
		t.Error("the old phone's session survived the recovery")
	}
}
