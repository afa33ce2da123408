package alerts

import (
	"bytes"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
)

// FuzzAlertBody feeds the alert routes' body parser (the button's, a relative's report and
// the cancel PIN) whatever a phone or an attacker may send. It must never panic, and what it
// accepts must be what the alerts collection can store. Seeds: testdata/fuzz/FuzzAlertBody.
func FuzzAlertBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/alertbutton/alerts", bytes.NewReader(raw))
		e := &core.RequestEvent{}
		e.Request, e.Response = req, httptest.NewRecorder()
		b, err := readBody(e)
		if err != nil {
			if len(raw) <= maxBody && len(bytes.TrimSpace(raw)) == 0 {
				t.Fatalf("an empty body was refused: %v", err)
			}
			return
		}
		if len(raw) > maxBody {
			t.Fatalf("a body of %d bytes was read", len(raw))
		}
		uid, kind, zip := b.uid(), b.kind("detained"), b.zip()
		note, place := b.text("note", maxNote, msgFieldNote), b.text("place", maxPlace, msgFieldPlace)
		lat, lon, acc := b.point()
		pin := b.pin()
		if len(b.errs) > 0 {
			if b.err(e) == nil {
				t.Fatal("field errors were not reported")
			}
			return
		}
		if uid != "" && !uidRE.MatchString(uid) {
			t.Fatalf("accepted uid %q", uid)
		}
		if !slices.Contains(personKinds, kind) {
			t.Fatalf("accepted kind %q", kind)
		}
		if zip != "" && !zipRE.MatchString(zip) {
			t.Fatalf("accepted zip %q", zip)
		}
		for _, s := range []string{note, place} {
			if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNote {
				t.Fatalf("accepted text %q", s)
			}
		}
		if (lat == nil) != (lon == nil) {
			t.Fatal("accepted one coordinate without the other")
		}
		if lat != nil && (math.IsNaN(*lat) || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
			t.Fatalf("accepted the point %v, %v", *lat, *lon)
		}
		if acc != nil && (math.IsNaN(*acc) || *acc < 0 || math.IsInf(*acc, 0)) {
			t.Fatalf("accepted the accuracy %v", *acc)
		}
		if !pinRE.MatchString(pin) {
			t.Fatalf("accepted the PIN %q", pin)
		}
	})
}

// FuzzAlertUIDParam is the {uid} of /api/alertbutton/alerts/{uid}/...: only a UUIDv7 or a
// ULID reaches the database.
func FuzzAlertUIDParam(f *testing.F) {
	f.Fuzz(func(t *testing.T, uid string) {
		if !uidRE.MatchString(uid) {
			return
		}
		if len(uid) != 36 && len(uid) != 26 {
			t.Fatalf("the uid pattern accepted %q", uid)
		}
		for _, r := range uid {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-' || r >= 'A' && r <= 'Z') {
				t.Fatalf("the uid pattern accepted %q", uid)
			}
		}
	})
}
