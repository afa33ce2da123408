package registrants_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/limits"
	"alertbutton/hooks/pins"
	"alertbutton/hooks/registrants"
)

// TestStaffNeverSetCredentials: no role sets a registrant's password, phone, e-mail or
// sign-in state, nor creates an account; other fields stay theirs to correct.
func TestStaffNeverSetCredentials(t *testing.T) {
	t.Parallel()
	s := serve(t)
	a := register(t, s.app, "+13105550170")
	tok := apptest.Token(t, a)
	url := "/api/collections/registrants/records/" + a.Id
	for _, role := range []string{"adviser", "consul", "it"} {
		staffToken := apptest.Token(t, apptest.Staff(t, s.app, role+"@consulado.example", role, false))
		for _, body := range []string{
			`{"password":"la-del-asesor-1","passwordConfirm":"la-del-asesor-1"}`,
			`{"phone":"+13105550999"}`,
			`{"email":"asesor@example.org"}`,
			`{"tokenKey":"conocida-por-el-asesor-0123456789"}`,
			`{"tokenKey:autogenerate":""}`,
			`{"verified":true}`,
			`{"emailVisibility":true}`,
		} {
			if status, out := s.do(http.MethodPatch, url, staffToken, body); status != 403 {
				t.Errorf("%s sets %s: %d %s", role, body, status, out)
			}
		}
		status, out := s.do(http.MethodPost, "/api/collections/registrants/records", staffToken,
			`{"phone":"+13105550998","password":"la-del-asesor-1","passwordConfirm":"la-del-asesor-1","name":"X","language":"es","consent":true}`)
		if status != 403 {
			t.Errorf("%s creates an account: %d %s", role, status, out)
		}
	}
	kept := apptest.Find(t, s.app, "registrants", a.Id)
	if !kept.ValidatePassword("contraseña-1") || kept.GetString("phone") != "+13105550170" || kept.Email() != "" || kept.Verified() {
		t.Errorf("the credentials changed: %v", kept.FieldsData())
	}
	if status, _ := s.do(http.MethodGet, url, tok, ""); status != 200 {
		t.Error("the person's session ended")
	}
	// The admin UI sends the e-mail and flags with every save: unchanged, they pass.
	adviserToken := apptest.Token(t, apptest.Staff(t, s.app, "otra@consulado.example", "adviser", false))
	if status, out := s.do(http.MethodPatch, url, adviserToken, `{"name":"Ana M. López","email":"","emailVisibility":false,"verified":false}`); status != 200 {
		t.Errorf("an adviser corrects the name: %d %s", status, out)
	}
}

func issue(t *testing.T, s *served, token, id string) string {
	t.Helper()
	status, body := s.do(http.MethodPost, "/api/alertbutton/registrants/"+id+"/recovery-code", token, `{"verifiedBy":"in_person"}`)
	if status != 200 {
		t.Fatalf("issuing a code: %d %s", status, body)
	}
	var out struct{ Code string }
	json.Unmarshal([]byte(body), &out)
	return out.Code
}

func recoverWith(s *served, phone, code, password string) (int, string) {
	return s.do(http.MethodPost, "/api/alertbutton/recovery", "",
		`{"phone":"`+phone+`","code":"`+code+`","password":"`+password+`","passwordConfirm":"`+password+`"}`)
}

func TestRecoveryCode(t *testing.T) {
	clock := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	defer registrants.SetClock(func() time.Time { return clock })()
	s := serve(t)
	limitsAt := clock
	apptest.Appliance(s.app).Guard.SetClock(func() time.Time { return limitsAt })
	a := register(t, s.app, "+13105550171")
	if err := pins.Store(s.app, a.Id, "$2a$04$cancel", "$2a$04$duress"); err != nil {
		t.Fatal(err)
	}
	oldToken := apptest.Token(t, a)
	adviser := apptest.Staff(t, s.app, "asesora@consulado.example", "adviser", false)
	adviserToken := apptest.Token(t, adviser)
	itToken := apptest.Token(t, apptest.Staff(t, s.app, "it@consulado.example", "it", false))
	codeURL := "/api/alertbutton/registrants/" + a.Id + "/recovery-code"

	for who, token := range map[string]string{"IT": itToken, "the registrant": oldToken, "anyone": ""} {
		if status, body := s.do(http.MethodPost, codeURL, token, `{"verifiedBy":"phone"}`); status != 403 {
			t.Errorf("%s issues a code: %d %s", who, status, body)
		}
	}
	if status, _ := s.do(http.MethodPost, codeURL, adviserToken, `{}`); status != 400 {
		t.Error("a code issued without saying how the person was verified")
	}

	code := issue(t, s, adviserToken, a.Id)
	if len(code) != 8 {
		t.Fatalf("code %q", code)
	}
	var stored string
	s.app.DB().Select("code_hash").From("recovery_codes").Where(dbx.HashExp{"registrant": a.Id}).Row(&stored)
	if stored == "" || strings.Contains(stored, code) {
		t.Errorf("the code is not stored hashed: %q", stored)
	}
	if _, err := s.app.FindFirstRecordByFilter("audit_log", "action = 'issue_recovery_code_in_person' && actor = {:a} && record_id = {:r}",
		map[string]any{"a": "staff:" + adviser.Id, "r": a.Id}); err != nil {
		t.Error("issuing the code was not audited")
	}

	wrongStatus, wrongBody := recoverWith(s, "+13105550171", "00000000", "nueva-contraseña-1")
	if wrongStatus != 400 || !strings.Contains(wrongBody, "El código no es válido o ya venció") {
		t.Errorf("a wrong code: %d %s", wrongStatus, wrongBody)
	}
	if status, body := recoverWith(s, "+13105550199", code, "nueva-contraseña-1"); status != wrongStatus || body != wrongBody {
		t.Errorf("an unknown phone answers %d %s, a wrong code %d %s", status, body, wrongStatus, wrongBody)
	}
	if status, body := recoverWith(s, "+13105550171", code, "corta"); status != 400 || !strings.Contains(body, `"password":{"code":"password_too_short"`) {
		t.Errorf("a short password: %d %s", status, body)
	}
	if status, body := recoverWith(s, "+13105550171", code, "nueva-contraseña-1"); status != 204 {
		t.Fatalf("recovery with the code: %d %s", status, body)
	}
	if status, _ := s.do(http.MethodGet, "/api/collections/registrants/records/"+a.Id, oldToken, ""); status == 200 {
		t.Error("the old session survived the recovery")
	}
	if set, _ := pins.IsSet(s.app, a.Id); set {
		t.Error("the PINs survived the recovery")
	}
	status, body := s.do(http.MethodPost, "/api/collections/registrants/auth-with-password", "", `{"identity":"+13105550171","password":"nueva-contraseña-1"}`)
	if status != 200 || !strings.Contains(body, `"token"`) {
		t.Errorf("sign-in with the new password: %d %s", status, body)
	}
	if status, body := recoverWith(s, "+13105550171", code, "otra-contraseña-2"); status != wrongStatus || body != wrongBody {
		t.Errorf("the code worked twice: %d %s", status, body)
	}

	// Expired after 15 minutes.
	code = issue(t, s, adviserToken, a.Id)
	clock = clock.Add(15*time.Minute + time.Second)
	if status, body := recoverWith(s, "+13105550171", code, "otra-contraseña-2"); status != wrongStatus || body != wrongBody {
		t.Errorf("an expired code: %d %s", status, body)
	}

	// Five wrong codes end it (the tries above are an hour old for the per-phone limit).
	limitsAt = limitsAt.Add(limits.AttemptsWindow)
	code = issue(t, s, adviserToken, a.Id)
	for range 5 {
		recoverWith(s, "+13105550171", "11111111", "otra-contraseña-2")
	}
	if status, body := recoverWith(s, "+13105550171", code, "otra-contraseña-2"); status != wrongStatus || body != wrongBody {
		t.Errorf("the code survived five wrong tries: %d %s", status, body)
	}
	if !apptest.Find(t, s.app, "registrants", a.Id).ValidatePassword("nueva-contraseña-1") {
		t.Error("the password changed without a live code")
	}
}
