package alerts

import (
	"bytes"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
)

// FuzzAlertBody feeds the alert routes' body parser (the button's, a relative's report and
// the cancel PIN) whatever a phone or an attacker may send. It must never panic, and what it
// accepts must be what the alerts collection can store. Seeds: testdata/fuzz/FuzzAlertBody.
func FuzzAlertBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) { checkAlertBody(t, raw) })
}

// checkAlertBody reports whether raw was accepted.
func checkAlertBody(t *testing.T, raw []byte) bool {
	req := httptest.NewRequest(http.MethodPost, "/api/alertbutton/alerts", bytes.NewReader(raw))
	e := &core.RequestEvent{}
	e.Request, e.Response = req, httptest.NewRecorder()
	b, err := readBody(e, "es", slices.Concat(buttonFields, familyFields, pinFields)...)
	if err != nil {
		if len(raw) <= maxBody && len(bytes.TrimSpace(raw)) == 0 {
			t.Fatalf("an empty body was refused: %v", err)
		}
		return false
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
		return false
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
	return true
}

// TestAlertBodySeedsReachValidPaths keeps the committed corpus deep: some seeds are
// accepted whole, most are refused.
func TestAlertBodySeedsReachValidPaths(t *testing.T) {
	accepted, refused := 0, 0
	for _, raw := range fuzzSeeds(t, "FuzzAlertBody") {
		if checkAlertBody(t, raw) {
			accepted++
		} else {
			refused++
		}
	}
	if accepted == 0 || refused < 5 {
		t.Fatalf("FuzzAlertBody corpus: %d accepted, %d refused; want some of each", accepted, refused)
	}
}

// fuzzSeeds reads the []byte seeds of a corpus in testdata/fuzz.
func fuzzSeeds(t *testing.T, name string) [][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			t.Fatalf("%s is not a one-[]byte seed", f)
		}
		v, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, []byte(v))
	}
	if len(out) < 10 {
		t.Fatalf("corpus %s has %d seeds", name, len(out))
	}
	return out
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
