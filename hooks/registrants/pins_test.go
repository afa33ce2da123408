package registrants_test

import (
	"net/http"
	"strings"
	"testing"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/pins"
)

const pinsURL = "/api/alertbutton/pins"

func checkPIN(t *testing.T, s *served, id, pin, want string) {
	t.Helper()
	if got, err := pins.Check(s.app, id, pin); got != want || err != nil {
		t.Errorf("PIN %s checks as %q (%v), want %q", pin, got, err, want)
	}
}

func TestChangingPINsNeedsTheCurrentCancelPIN(t *testing.T) {
	t.Parallel()
	s := serve(t)
	a := register(t, s.app, "+13105550150")
	tok := apptest.Token(t, a)
	if _, body := s.do(http.MethodGet, pinsURL, tok, ""); body != `{"set":false}` {
		t.Errorf("before the first setting: %s", body)
	}
	if status, body := s.do(http.MethodPost, pinsURL, tok, `{"cancelPin":"1234","duressPin":"9876"}`); status != 204 {
		t.Fatalf("first setting: %d %s", status, body)
	}
	if _, body := s.do(http.MethodGet, pinsURL, tok, ""); body != `{"set":true}` {
		t.Errorf("after the first setting: %s", body)
	}
	for _, current := range []string{``, `"currentPin":"0000",`} {
		status, body := s.do(http.MethodPost, pinsURL, tok, `{`+current+`"cancelPin":"1111","duressPin":"2222"}`)
		if status != 400 || !strings.Contains(body, `"currentPin":{"code":"wrong_pin","message":"El PIN actual no es correcto.`) {
			t.Errorf("change with %q: %d %s", current, status, body)
		}
	}
	checkPIN(t, s, a.Id, "1234", pins.Cancel)

	// The duress PIN answers like the cancel PIN and changes nothing.
	if status, body := s.do(http.MethodPost, pinsURL, tok, `{"currentPin":"9876","cancelPin":"1111","duressPin":"2222"}`); status != 204 {
		t.Errorf("change with the duress PIN: %d %s", status, body)
	}
	checkPIN(t, s, a.Id, "1234", pins.Cancel)
	checkPIN(t, s, a.Id, "1111", pins.None)

	if status, body := s.do(http.MethodPost, pinsURL, tok, `{"currentPin":"1234","cancelPin":"1111","duressPin":"2222"}`); status != 204 {
		t.Fatalf("change with the cancel PIN: %d %s", status, body)
	}
	checkPIN(t, s, a.Id, "1111", pins.Cancel)
	checkPIN(t, s, a.Id, "2222", pins.Duress)
	checkPIN(t, s, a.Id, "1234", pins.None)
}

// While a case is open, the cancel PIN changes nothing and is answered as a wrong one, so
// that a seized phone cannot make a new cancel PIN, nor learn which PIN it was given; the
// staff see each attempt on the case, the phone does not.
func TestPINsCannotChangeDuringAnOpenCase(t *testing.T) {
	t.Parallel()
	s := serve(t)
	a := register(t, s.app, "+13105550151")
	tok := apptest.Token(t, a)
	if status, _ := s.do(http.MethodPost, pinsURL, tok, `{"cancelPin":"1234","duressPin":"9876"}`); status != 204 {
		t.Fatal("first setting refused")
	}
	alert := openAlert(t, s.app, a, "0192d4a8-7c5e-7abc-8def-0123456789a1", "new")

	wrongStatus, wrongBody := s.do(http.MethodPost, pinsURL, tok, `{"currentPin":"0000","cancelPin":"1111","duressPin":"2222"}`)
	status, body := s.do(http.MethodPost, pinsURL, tok, `{"currentPin":"1234","cancelPin":"1111","duressPin":"2222"}`)
	if wrongStatus != 400 || status != wrongStatus || body != wrongBody {
		t.Errorf("the cancel PIN during a case answers %d %s; a wrong PIN %d %s", status, body, wrongStatus, wrongBody)
	}
	checkPIN(t, s, a.Id, "1234", pins.Cancel)
	checkPIN(t, s, a.Id, "1111", pins.None)

	refused := apptest.Events(t, s.app, alert.Id, "pin_change_refused")
	if len(refused) != 2 {
		t.Fatalf("%d pin_change_refused events, want 2", len(refused))
	}
	for _, ev := range refused {
		if !ev.GetBool("staff_only") {
			t.Error("a pin_change_refused event is shown to the registrant")
		}
	}
	for _, url := range []string{
		"/api/collections/alert_events/records",
		"/api/collections/alert_events/records?filter=" + "type%3D%22pin_change_refused%22",
		"/api/collections/alerts/records/" + alert.Id + "?expand=alert_events_via_alert",
	} {
		if _, body := s.do(http.MethodGet, url, tok, ""); strings.Contains(body, "pin_change_refused") {
			t.Errorf("the registrant reads the refusal at %s: %s", url, body)
		}
	}
}

// A person who never set PINs cannot set them while a case is open either: with no PIN the
// phone cannot cancel, and a first setting would give it one.
func TestFirstPINsWaitForTheCaseToClose(t *testing.T) {
	t.Parallel()
	s := serve(t)
	a := register(t, s.app, "+13105550152")
	alert := openAlert(t, s.app, a, "0192d4a8-7c5e-7abc-8def-0123456789a2", "acknowledged")
	status, body := s.do(http.MethodPost, pinsURL, apptest.Token(t, a), `{"cancelPin":"1234","duressPin":"9876"}`)
	if status != 400 || !strings.Contains(body, `"currentPin":{"code":"wrong_pin"`) {
		t.Errorf("first setting during a case: %d %s", status, body)
	}
	checkPIN(t, s, a.Id, "1234", pins.None)
	if len(apptest.Events(t, s.app, alert.Id, "pin_change_refused")) != 1 {
		t.Error("the staff do not see the attempt")
	}
}
