package registrants_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/registrants"
	"alertbutton/hooks/sms/smstest"
)

// smsServed is an appliance whose SMS go to a fake provider (its own dispatcher sends them),
// with a clock for the codes and the limits.
type smsServed struct {
	*served
	provider *smstest.Server
	seen     map[string]int // messages already read, per phone
	clock    *apptest.Clock
}

func serveSMS(t *testing.T) *smsServed {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	p := smstest.New(t)
	cfg.SMS = appliance.SMS{AccountSID: smstest.Account, AuthToken: smstest.Token, From: "+12135550100", BaseURL: p.URL, PerDay: 300}
	cfg.PublicURL = "https://alerta.consulado.example"
	clock := apptest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	t.Cleanup(registrants.SetClock(clock.Now))
	apptest.Appliance(app).Guard.SetClock(clock.Now)
	return &smsServed{served: &served{t: t, app: app, h: apptest.Handler(t, app)}, provider: p, clock: clock, seen: map[string]int{}}
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// sent waits until the appliance's dispatcher has sent what is queued, and returns the texts
// the provider took for phone since the last call.
func (s *smsServed) sent(phone string) []string {
	s.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var pending int
		s.app.DB().NewQuery("SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND state = 'pending'").Row(&pending)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatal("the SMS were not sent within 10 s")
		}
	}
	var texts []string
	for _, m := range s.provider.Messages() {
		if m.To == phone {
			texts = append(texts, m.Body)
		}
	}
	texts = texts[s.seen[phone]:]
	s.seen[phone] += len(texts)
	return texts
}

// lastCode is the code of the last SMS to phone.
func (s *smsServed) lastCode(phone string) string {
	s.t.Helper()
	texts := s.sent(phone)
	if len(texts) == 0 {
		s.t.Fatalf("no SMS to %s", phone)
	}
	code := sixDigits.FindString(texts[len(texts)-1])
	if code == "" {
		s.t.Fatalf("no code in %q", texts[len(texts)-1])
	}
	return code
}

func (s *smsServed) registerByAPI(phone string) (int, string) {
	return s.do(http.MethodPost, "/api/collections/registrants/records", "",
		`{"phone":"`+phone+`","password":"contraseña-1","passwordConfirm":"contraseña-1","name":"Ana López","language":"es","consent":true}`)
}

func (s *smsServed) signIn(phone, password string) string {
	s.t.Helper()
	status, body := s.do(http.MethodPost, "/api/collections/registrants/auth-with-password", "", `{"identity":"`+phone+`","password":"`+password+`"}`)
	if status != 200 {
		s.t.Fatalf("sign-in: %d %s", status, body)
	}
	return apptest.JSON(s.t, body)["token"].(string)
}

func verifiedAt(t *testing.T, app core.App, phone string) string {
	t.Helper()
	r, err := app.FindFirstRecordByData("registrants", "phone", phone)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString(registrants.PhoneVerifiedField)
}

func audited(app core.App, action, actor, recordID string) bool {
	_, err := app.FindFirstRecordByFilter("audit_log", "action = {:x} && actor = {:a} && record_id = {:r}",
		dbx.Params{"x": action, "a": actor, "r": recordID})
	return err == nil
}

// A registration sends a 6-digit code by SMS, stored only hashed (its sealed copy is for the
// SMS alone), and the account works at once but unverified until the code is entered, once.
func TestRegistrationSendsAVerificationCode(t *testing.T) {
	s := serveSMS(t)
	const phone = "+13105550180"
	if status, body := s.registerByAPI(phone); status != 200 || !strings.Contains(body, `"phone_verified_at":""`) {
		t.Fatalf("registration: %d %s", status, body)
	}
	token := s.signIn(phone, "contraseña-1")
	code := s.lastCode(phone)
	if texts := s.sent(phone); len(texts) != 0 {
		t.Fatalf("more SMS: %q", texts)
	}
	r, _ := s.app.FindFirstRecordByData("registrants", "phone", phone)
	var row struct {
		Hash   string `db:"code_hash"`
		Sealed string `db:"code_sealed"`
	}
	if err := s.app.DB().Select("code_hash", "code_sealed").From("phone_codes").Where(dbx.HashExp{"registrant": r.Id}).One(&row); err != nil {
		t.Fatal(err)
	}
	if row.Hash == "" || strings.Contains(row.Hash, code) || strings.Contains(row.Sealed, code) {
		t.Errorf("the code is stored in the clear: %+v", row)
	}
	var payloads []string
	s.app.DB().Select("payload").From("outbox").Where(dbx.HashExp{"channel": "sms"}).Column(&payloads)
	for _, p := range payloads {
		if strings.Contains(p, code) {
			t.Errorf("the outbox holds the code: %s", p)
		}
	}
	if verifiedAt(t, s.app, phone) != "" {
		t.Fatal("verified before the code")
	}
	// The person may not mark it themselves.
	if status, _ := s.do(http.MethodPatch, "/api/collections/registrants/records/"+r.Id, token, `{"phone_verified_at":"2026-12-03 09:00:00.000Z"}`); status != 200 || verifiedAt(t, s.app, phone) != "" {
		t.Errorf("the registrant set phone_verified_at themselves: %d", status)
	}

	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if status, body := s.do(http.MethodPost, "/api/alertbutton/phone/verify", token, `{"code":"`+wrong+`"}`); status != 400 || !strings.Contains(body, "El código no es válido o ya venció") {
		t.Errorf("a wrong code: %d %s", status, body)
	}
	if status, body := s.do(http.MethodPost, "/api/alertbutton/phone/verify", token, `{"code":"`+code+`"}`); status != 204 {
		t.Fatalf("the right code: %d %s", status, body)
	}
	if verifiedAt(t, s.app, phone) == "" {
		t.Fatal("not verified with the right code")
	}
	if !audited(s.app, "phone_verified_sms", "registrant:"+r.Id, r.Id) {
		t.Error("the verification was not audited")
	}
	var left int
	s.app.DB().NewQuery("SELECT COUNT(*) FROM phone_codes").Row(&left)
	if left != 0 {
		t.Error("the used code is still stored")
	}
}

// A code is short-lived and dies after five wrong tries; asking for a new one replaces it.
func TestPhoneCodeExpiresAndEndsAfterFiveWrongTries(t *testing.T) {
	s := serveSMS(t)
	const phone = "+13105550181"
	s.registerByAPI(phone)
	token := s.signIn(phone, "contraseña-1")
	verify := func(code string) int {
		status, _ := s.do(http.MethodPost, "/api/alertbutton/phone/verify", token, `{"code":"`+code+`"}`)
		return status
	}

	code := s.lastCode(phone)
	s.clock.Add(15*time.Minute + time.Second)
	if verify(code) != 400 {
		t.Error("an expired code verified the phone")
	}

	if status, body := s.do(http.MethodPost, "/api/alertbutton/phone/code", token, ""); status != 204 {
		t.Fatalf("asking for a new code: %d %s", status, body)
	}
	code = s.lastCode(phone)
	for range 5 {
		wrong := "123456"
		if wrong == code {
			wrong = "654321"
		}
		verify(wrong)
	}
	if verify(code) != 400 {
		t.Error("the code survived five wrong tries")
	}
	if verifiedAt(t, s.app, phone) != "" {
		t.Error("verified without a live code")
	}
	s.do(http.MethodPost, "/api/alertbutton/phone/code", token, "")
	if verify(s.lastCode(phone)) != 204 {
		t.Error("a fresh code did not verify")
	}
}

// Registering with a taken phone answers as a new registration; the code goes to the phone's
// owner: a recovery code that works when their phone is verified, a notice without a code
// when it is not.
func TestTakenPhoneSendsTheCodeToItsOwner(t *testing.T) {
	s := serveSMS(t)
	const verified, unverified = "+13105550182", "+13105550183"
	owner := register(t, s.app, verified)
	owner.Set(registrants.PhoneVerifiedField, "2026-12-01 10:00:00.000Z")
	if err := s.app.Save(owner); err != nil {
		t.Fatal(err)
	}
	register(t, s.app, unverified)

	freshStatus, fresh := s.registerByAPI("+13105550184")
	takenStatus, taken := s.registerByAPI(verified)
	if freshStatus != 200 || takenStatus != 200 || len(apptest.JSON(t, fresh)) != len(apptest.JSON(t, taken)) {
		t.Fatalf("fresh %d %s\ntaken %d %s", freshStatus, fresh, takenStatus, taken)
	}
	texts := s.sent(verified)
	if len(texts) != 1 || !strings.Contains(texts[0], "alguien quiso abrir una cuenta nueva con tu número") {
		t.Fatalf("the owner got %q", texts)
	}
	code := sixDigits.FindString(texts[0])
	if status, body := recoverWith(s.served, verified, code, "nueva-contraseña-1"); status != 204 {
		t.Fatalf("the owner recovers with the code: %d %s", status, body)
	}

	if status, _ := s.registerByAPI(unverified); status != 200 {
		t.Fatal("the unverified phone answered otherwise")
	}
	texts = s.sent(unverified)
	if len(texts) != 1 || sixDigits.MatchString(texts[0]) || !strings.Contains(texts[0], "ve o llama a tu consulado") {
		t.Errorf("the unverified owner got %q", texts)
	}

	// With a case open, whoever holds the phone must not get a way into the account.
	const busy = "+13105550188"
	b := register(t, s.app, busy)
	b.Set(registrants.PhoneVerifiedField, "2026-12-01 10:00:00.000Z")
	if err := s.app.Save(b); err != nil {
		t.Fatal(err)
	}
	openAlert(t, s.app, b, "22222222-2222-4222-8222-222222222222", "new")
	if status, body := s.registerByAPI(busy); status != 200 || len(apptest.JSON(t, body)) != len(apptest.JSON(t, fresh)) {
		t.Fatalf("a taken phone with a case open answered otherwise: %d %s", status, body)
	}
	if texts := s.sent(busy); len(texts) != 0 {
		t.Errorf("the phone of a person with a case open got %q", texts)
	}
}

// A recovery code goes by SMS only to a verified phone with no case open; every caller gets
// the same answer. The code sets a new password and signs out every session.
func TestRecoveryBySMS(t *testing.T) {
	s := serveSMS(t)
	const phone, unverified, busy = "+13105550185", "+13105550186", "+13105550187"
	a := register(t, s.app, phone)
	for _, r := range []*core.Record{a, register(t, s.app, busy)} {
		r.Set(registrants.PhoneVerifiedField, "2026-12-01 10:00:00.000Z")
		if err := s.app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := s.app.FindFirstRecordByData("registrants", "phone", busy)
	openAlert(t, s.app, b, "11111111-1111-4111-8111-111111111111", "new")
	register(t, s.app, unverified)
	oldToken := apptest.Token(t, a)

	ask := func(p string) (int, string) {
		return s.do(http.MethodPost, "/api/alertbutton/recovery/code", "", `{"phone":"`+p+`"}`)
	}
	wantStatus, wantBody := ask(phone)
	for _, p := range []string{"+13105550199", unverified, busy} {
		if status, body := ask(p); status != wantStatus || body != wantBody {
			t.Errorf("%s answers %d %q, a verified phone %d %q", p, status, body, wantStatus, wantBody)
		}
	}
	for _, p := range []string{unverified, busy} {
		if texts := s.sent(p); len(texts) != 0 {
			t.Errorf("%s got %q", p, texts)
		}
	}
	code := s.lastCode(phone)
	if !audited(s.app, "recovery_code_sms", "registrant:"+a.Id, a.Id) {
		t.Error("the SMS code was not audited")
	}
	if status, body := recoverWith(s.served, phone, code, "nueva-contraseña-1"); status != 204 {
		t.Fatalf("recovery with the SMS code: %d %s", status, body)
	}
	if status, _ := s.do(http.MethodGet, "/api/collections/registrants/records/"+a.Id, oldToken, ""); status == 200 {
		t.Error("the old session survived the recovery")
	}
	if !audited(s.app, "account_recovered", "registrant:"+a.Id, a.Id) {
		t.Error("the recovery was not audited")
	}
	if status, _ := recoverWith(s.served, phone, code, "otra-contraseña-2"); status != 400 {
		t.Error("the SMS code worked twice")
	}
	s.signIn(phone, "nueva-contraseña-1")
}

// Codes by SMS are few per phone number, whether or not it is registered.
func TestCodeSendsAreLimited(t *testing.T) {
	s := serveSMS(t)
	for _, p := range []string{"+13105550188", "+13105550199"} {
		for i := range 4 {
			status, _ := s.do(http.MethodPost, "/api/alertbutton/recovery/code", "", `{"phone":"`+p+`"}`)
			if want := map[bool]int{true: 429, false: 204}[i == 3]; status != want {
				t.Errorf("%s request %d: %d, want %d", p, i+1, status, want)
			}
		}
	}
	s.clock.Add(time.Hour)
	if status, _ := s.do(http.MethodPost, "/api/alertbutton/recovery/code", "", `{"phone":"+13105550188"}`); status != 204 {
		t.Errorf("an hour later: %d", status)
	}
}

// Case staff who saw the person verify their phone in person, audited; IT and the person
// cannot.
func TestStaffVerifyPhoneInPerson(t *testing.T) {
	t.Parallel()
	s := serve(t)
	a := register(t, s.app, "+13105550189")
	adviser := apptest.Staff(t, s.app, "asesora@consulado.example", "adviser", false)
	url := "/api/alertbutton/registrants/" + a.Id + "/phone-verified"
	itToken := apptest.Token(t, apptest.Staff(t, s.app, "it@consulado.example", "it", false))
	for who, token := range map[string]string{"IT": itToken, "the registrant": apptest.Token(t, a), "anyone": ""} {
		if status, body := s.do(http.MethodPost, url, token, `{"verifiedBy":"in_person"}`); status != 401 && status != 403 {
			t.Errorf("%s verifies: %d %s", who, status, body)
		}
	}
	if status, _ := s.do(http.MethodPost, url, apptest.Token(t, adviser), `{}`); status != 400 {
		t.Error("verified without saying how")
	}
	if verifiedAt(t, s.app, "+13105550189") != "" {
		t.Fatal("verified by a refused request")
	}
	if status, body := s.do(http.MethodPost, url, apptest.Token(t, adviser), `{"verifiedBy":"in_person"}`); status != 200 {
		t.Fatalf("the adviser verifies: %d %s", status, body)
	}
	if verifiedAt(t, s.app, "+13105550189") == "" {
		t.Error("not verified")
	}
	if !audited(s.app, "verify_phone_in_person", "staff:"+adviser.Id, a.Id) {
		t.Error("the staff verification was not audited")
	}
}

// A phone changed by the staff (the admin UI) is no longer verified.
func TestChangedPhoneIsNoLongerVerified(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	r := register(t, app, "+13105550190")
	r.Set(registrants.PhoneVerifiedField, "2026-12-01 10:00:00.000Z")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	r.Set("name", "Ana M. López")
	if err := app.Save(r); err != nil || verifiedAt(t, app, "+13105550190") == "" {
		t.Fatalf("another change unverified the phone: %v", err)
	}
	r.Set("phone", "+13105550191")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if verifiedAt(t, app, "+13105550191") != "" {
		t.Error("the new phone is verified without a code")
	}
}
