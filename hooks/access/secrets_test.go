package access_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
)

// bcryptPrefix starts every PIN and password hash.
const bcryptPrefix = "$2a$"

// TestNoAnswerHoldsAPINHash: PIN hashes live outside the collections, so no records API,
// collections API (the admin UI's schema) or realtime answer holds one, to staff either.
func TestNoAnswerHoldsAPINHash(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	staff := []string{adviser, consul, it}
	listeners := map[string]*apptest.Listener{}
	for _, caller := range append([]string{regA}, staff...) {
		listeners[caller] = w.listen(caller, "registrants", "registrants/"+w.a.Id)
	}
	paths := []string{
		"/api/collections/registrants/records",
		"/api/collections/registrants/records?fields=*,cancel_pin_hash,duress_pin_hash",
		"/api/collections/registrants/records/" + w.a.Id,
		"/api/collections/registrants/records/" + w.a.Id + "?fields=cancel_pin_hash",
		"/api/collections/registrants",
		"/api/collections",
		"/api/collections/contacts/records?expand=registrant",
		"/api/collections/alerts/records?expand=registrant",
		"/api/alertbutton/pins",
	}
	for _, caller := range append([]string{regA}, staff...) {
		for _, path := range paths {
			status, body := w.request(caller, http.MethodGet, path, "")
			if strings.Contains(body, bcryptPrefix) || strings.Contains(body, "pin_hash") {
				t.Errorf("%s GET %s (%d) holds a PIN hash: %.300s", caller, path, status, body)
			}
		}
		status, body := w.request(caller, http.MethodGet, "/api/collections/registrants/records?filter="+
			"cancel_pin_hash%21%3D%22%22", "")
		if status == 200 && strings.Contains(body, w.a.Id) {
			t.Errorf("%s can filter on a PIN hash: %.300s", caller, body)
		}
	}
	// Every realtime listener hears of a change to A.
	w.a.Set("name", "Ana Cambiada")
	w.save(w.a)
	deadline := time.Now().Add(5 * time.Second)
	for caller, l := range listeners {
		for !saw(l, w.a.Id) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !saw(l, w.a.Id) {
			t.Errorf("%s heard nothing of A: the test would prove nothing", caller)
		}
		for _, ev := range l.Heard() {
			if strings.Contains(ev, bcryptPrefix) || strings.Contains(ev, "pin_hash") {
				t.Errorf("%s hears a PIN hash in realtime: %.300s", caller, ev)
			}
		}
	}
}
