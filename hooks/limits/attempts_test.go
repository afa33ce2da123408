package limits_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/limits"
)

// postFrom sends a JSON body from addr.
func (w *world) postFrom(t testing.TB, addr, path, token, body string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.RemoteAddr = addr
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Result().Body)
	a := answer{status: rec.Code, retryAfter: rec.Header().Get("Retry-After")}
	json.Unmarshal(raw, &a.body)
	return a
}

func refusedAttempt(a answer) bool {
	msg, _ := a.body["message"].(string)
	return a.status == http.StatusTooManyRequests && a.retryAfter != "" &&
		strings.HasPrefix(msg, "Demasiados intentos con PIN o contraseña") && strings.Contains(msg, "+1 520 623 7874")
}

// The PIN routes (set, cancel, safe) share one count per registrant, whatever address the
// requests come from.
func TestPINAttemptsPerRegistrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, tokA := w.registrant(t, "es")
	_, tokB := w.registrant(t, "es")
	unknown := "/api/alertbutton/alerts/" + newUID(t)
	for i := range limits.AttemptsPerCredential {
		addr := fmt.Sprintf("198.51.100.%d:4000", i+1)
		var a answer
		switch i % 3 {
		case 0:
			a = w.postFrom(t, addr, "/api/alertbutton/pins", tokA, `{"cancelPin":"12ab","duressPin":"9876"}`)
		case 1:
			a = w.postFrom(t, addr, unknown+"/cancel", tokA, `{"pin":"1234"}`)
		case 2:
			a = w.postFrom(t, addr, unknown+"/safe", tokA, `{"pin":"1234"}`)
		}
		if a.status == http.StatusTooManyRequests {
			t.Fatalf("attempt %d refused: %v", i+1, a.body)
		}
	}
	a := w.postFrom(t, "203.0.113.9:4000", "/api/alertbutton/pins", tokA, `{"cancelPin":"1234","duressPin":"9876"}`)
	if !refusedAttempt(a) || a.retryAfter != "3600" {
		t.Fatalf("attempt 11 from a new address: %d Retry-After %q %v", a.status, a.retryAfter, a.body)
	}
	if a := w.postFrom(t, "203.0.113.9:4000", unknown+"/cancel", tokA, `{"pin":"1234"}`); !refusedAttempt(a) {
		t.Errorf("cancel after the limit: %d %v", a.status, a.body)
	}
	if a := w.postFrom(t, "203.0.113.9:4000", "/api/alertbutton/pins", tokB, `{"cancelPin":"1234","duressPin":"9876"}`); a.status != http.StatusNoContent {
		t.Errorf("another registrant: %d %v", a.status, a.body)
	}
	w.now = w.now.Add(limits.AttemptsWindow)
	if a := w.postFrom(t, "203.0.113.9:4000", "/api/alertbutton/pins", tokA, `{"cancelPin":"1234","duressPin":"9876"}`); a.status != http.StatusNoContent {
		t.Errorf("after the window: %d %v", a.status, a.body)
	}
}

// Signing in is counted per identity tried, registered or not, whatever address it comes
// from; staff sign-ins too.
func TestSignInAttemptsPerIdentity(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, _ := w.registrant(t, "es")
	phone := r.GetString("phone")
	path := "/api/collections/registrants/auth-with-password"
	signIn := func(i int, identity, password string) answer {
		return w.postFrom(t, fmt.Sprintf("198.51.100.%d:4000", i), path, "", `{"identity":"`+identity+`","password":"`+password+`"}`)
	}
	for i := range limits.AttemptsPerCredential {
		if a := signIn(i+1, phone, "no-es-la-contraseña"); a.status != http.StatusBadRequest {
			t.Fatalf("wrong password %d: %d %v", i+1, a.status, a.body)
		}
	}
	if a := signIn(50, phone, "contraseña-larga-1"); !refusedAttempt(a) {
		t.Fatalf("the right password after 10 wrong ones within the hour: %d %v", a.status, a.body)
	}
	if a := signIn(51, "+13105559999", "x"); a.status != http.StatusBadRequest {
		t.Errorf("another identity: %d", a.status)
	}
	for i := range limits.AttemptsPerCredential {
		signIn(60+i, "nadie@example.org", "x")
	}
	if a := w.postFrom(t, "198.51.100.99:4000", "/api/collections/_superusers/auth-with-password", "", `{"identity":"nadie@example.org","password":"x"}`); a.status != http.StatusBadRequest {
		t.Errorf("the same identity on another collection is another account: %d %v", a.status, a.body)
	}
	if a := signIn(70, " NADIE@example.org ", "x"); !refusedAttempt(a) {
		t.Errorf("the same identity written otherwise: %d %v", a.status, a.body)
	}
	w.now = w.now.Add(limits.AttemptsWindow)
	if a := signIn(80, phone, "contraseña-larga-1"); a.status != http.StatusOK {
		t.Errorf("after the window: %d %v", a.status, a.body)
	}
	// Only refused tries count: the holder who signs in often is never locked out.
	for i := range 2 * limits.AttemptsPerCredential {
		if a := signIn(100+i, phone, "contraseña-larga-1"); a.status != http.StatusOK {
			t.Fatalf("right password %d: %d %v", i+1, a.status, a.body)
		}
	}
}

// Account recovery counts per phone named, whatever address the codes come from.
func TestRecoveryAttemptsPerPhone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, _ := w.registrant(t, "es")
	recover := func(i int, phone string) answer {
		return w.postFrom(t, fmt.Sprintf("198.51.100.%d:4000", i), "/api/alertbutton/recovery", "",
			`{"phone":"`+phone+`","code":"12345678","password":"contraseña-nueva-1","passwordConfirm":"contraseña-nueva-1"}`)
	}
	for i := range limits.AttemptsPerCredential {
		if a := recover(i+1, r.GetString("phone")); a.status != http.StatusBadRequest {
			t.Fatalf("wrong code %d: %d %v", i+1, a.status, a.body)
		}
	}
	if a := recover(50, r.GetString("phone")); !refusedAttempt(a) {
		t.Fatalf("an 11th code for the same phone within the hour: %d %v", a.status, a.body)
	}
	if a := recover(51, "+13105559999"); a.status != http.StatusBadRequest {
		t.Errorf("another phone: %d %v", a.status, a.body)
	}
}

// One address (an IPv6 /64) gets 120 attempts a minute, over every account it tries.
func TestAttemptsPerAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	body := `{"cancelPin":"12ab","duressPin":"9876"}` // refused before any bcrypt, but counted
	for i := range limits.AttemptsPerAddress {
		_, tok := w.registrant(t, "es")
		addr := fmt.Sprintf("[2001:db8:1:2::%x]:4000", i+1)
		if a := w.postFrom(t, addr, "/api/alertbutton/pins", tok, body); a.status != http.StatusBadRequest {
			t.Fatalf("attempt %d: %d %v", i+1, a.status, a.body)
		}
	}
	_, tok := w.registrant(t, "es")
	a := w.postFrom(t, "[2001:db8:1:2::ffff]:4000", "/api/alertbutton/pins", tok, body)
	if !refusedAttempt(a) || a.retryAfter != "60" {
		t.Fatalf("one more from the same /64: %d %q %v", a.status, a.retryAfter, a.body)
	}
	if a := w.postFrom(t, "[2001:db8:1:3::1]:4000", "/api/alertbutton/pins", tok, body); a.status != http.StatusBadRequest {
		t.Errorf("another /64: %d %v", a.status, a.body)
	}
	// Pressing the button is never limited by address.
	if a := w.postFrom(t, "[2001:db8:1:2::ffff]:4000", "/api/alertbutton/alerts", tok, alertBody(newUID(t))); a.status != http.StatusCreated {
		t.Errorf("an alert from the limited address: %d %v", a.status, a.body)
	}
	w.now = w.now.Add(time.Minute)
	if a := w.postFrom(t, "[2001:db8:1:2::ffff]:4000", "/api/alertbutton/pins", tok, body); a.status != http.StatusBadRequest {
		t.Errorf("a minute later: %d %v", a.status, a.body)
	}
}

// A password change is an attempt on the account; other edits of it are not.
func TestPasswordChangeAttemptsPerAccount(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, tok := w.registrant(t, "es")
	patch := func(i int, body string) answer {
		req := httptest.NewRequest(http.MethodPatch, "/api/collections/registrants/records/"+r.Id, strings.NewReader(body))
		req.RemoteAddr = fmt.Sprintf("198.51.100.%d:4000", i)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", tok)
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
		a := answer{status: rec.Code, retryAfter: rec.Header().Get("Retry-After")}
		json.Unmarshal(rec.Body.Bytes(), &a.body)
		return a
	}
	for i := range 2 * limits.AttemptsPerCredential {
		if a := patch(i+1, `{"zip":"90013"}`); a.status != http.StatusOK {
			t.Fatalf("edit %d: %d %v", i+1, a.status, a.body)
		}
	}
	wrong := `{"oldPassword":"no-es","password":"otra-contraseña-1","passwordConfirm":"otra-contraseña-1"}`
	for i := range limits.AttemptsPerCredential {
		if a := patch(100+i, wrong); a.status != http.StatusBadRequest {
			t.Fatalf("wrong old password %d: %d %v", i+1, a.status, a.body)
		}
	}
	if a := patch(200, `{"oldPassword":"contraseña-larga-1","password":"otra-contraseña-1","passwordConfirm":"otra-contraseña-1"}`); !refusedAttempt(a) {
		t.Fatalf("the right old password after 10 wrong ones: %d %v", a.status, a.body)
	}
}
