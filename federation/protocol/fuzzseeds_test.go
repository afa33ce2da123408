package protocol

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the fuzz seed corpora in testdata/fuzz")

// TestWriteFuzzSeeds writes the seed corpora: go test -run TestWriteFuzzSeeds -update-seeds
func TestWriteFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-seeds to rewrite testdata/fuzz")
	}
	for name, seeds := range map[string]map[string][]any{
		"FuzzParseEnvelope": envelopeSeeds(t),
		"FuzzVerifyRequest": requestSeeds(t),
		"FuzzVerifyReceipt": receiptSeeds(t),
		"FuzzParseRoster":   rosterSeeds(t),
	} {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for file, args := range seeds {
			if err := os.WriteFile(filepath.Join(dir, file), encodeSeed(args), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFuzzSeedsReachValidPaths checks that each committed corpus holds
// inputs that pass, so the seeds exercise more than the first error.
func TestFuzzSeedsReachValidPaths(t *testing.T) {
	targets := map[string]func(t *testing.T, args []any) bool{
		"FuzzParseEnvelope": func(t *testing.T, a []any) bool { return checkParseEnvelope(t, a[0].([]byte)) },
		"FuzzVerifyRequest": func(t *testing.T, a []any) bool {
			return checkVerifyRequest(t, a[0].(string), a[1].(string), a[2].([]byte),
				a[3].(string), a[4].(string), a[5].(string), a[6].(string), a[7].(string))
		},
		"FuzzVerifyReceipt": func(t *testing.T, a []any) bool { return checkVerifyReceipt(t, a[0].([]byte)) },
		"FuzzParseRoster":   func(t *testing.T, a []any) bool { return checkParseRoster(t, a[0].([]byte)) },
	}
	for name, check := range targets {
		t.Run(name, func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
			if err != nil || len(files) < 5 {
				t.Fatalf("corpus %s has %d files (%v)", name, len(files), err)
			}
			passed, failed := 0, 0
			for _, f := range files {
				if check(t, readSeed(t, f)) {
					passed++
				} else {
					failed++
				}
			}
			if passed == 0 || failed == 0 {
				t.Fatalf("corpus %s: %d seeds pass, %d fail; want some of each", name, passed, failed)
			}
		})
	}
}

func envelopeSeeds(t *testing.T) map[string][]any {
	seeds := map[string][]any{}
	for _, typ := range []string{TypeCreated, TypeStatus, TypeNote, TypeTransfer, TypeCancelled, TypeSafe} {
		env := testEnvelope()
		env.Type = typ
		if err := Seal(env, []byte(`{"status":"acknowledged"}`), sealString(destSeal)); err != nil {
			t.Fatal(err)
		}
		b, err := Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		seeds["valid-"+typ] = []any{b}
	}
	valid := seeds["valid-alert.created"][0].([]byte)
	for name, b := range map[string]string{
		"empty":          ``,
		"null":           `null`,
		"not-object":     `[1,2,3]`,
		"truncated":      string(valid[:len(valid)/2]),
		"unknown-field":  strings.Replace(string(valid), `{`, `{"x":1,`, 1),
		"case-variant":   strings.Replace(string(valid), `"id"`, `"ID"`, 1),
		"repeated-field": strings.Replace(string(valid), `"seq":1`, `"seq":1,"seq":2`, 1),
		"version-2":      strings.Replace(string(valid), `"v":1`, `"v":2`, 1),
		"seq-huge":       strings.Replace(string(valid), `"seq":1`, `"seq":99999999999999999999`, 1),
		"route-nested":   strings.Replace(string(valid), `"route":{`, `"route":{"x":{"y":[[[]]]},`, 1),
		"nulls":          `{"v":null,"id":null,"type":null,"alert":null,"origin":null,"destination":null,"seq":null,"created_at":null,"route":null,"sealed":null}`,
		"deep":           strings.Repeat("[", 5000),
	} {
		seeds[name] = []any{[]byte(b)}
	}
	return seeds
}

func requestSeeds(t *testing.T) map[string][]any {
	seed := func(body []byte, at time.Time, edit func(h http.Header)) []any {
		r := httptest.NewRequest(http.MethodPost, "/api/federation/v1/inbox", nil)
		if err := SignRequest(r, body, testKeyID, originSigner, at); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(r.Header)
		}
		h := r.Header
		return []any{r.Method, r.URL.RequestURI(), body,
			h.Get(HeaderKeyID), h.Get(HeaderCreated), h.Get(HeaderNonce), h.Get(HeaderDigest), h.Get(HeaderSignature)}
	}
	body, err := Marshal(sealedEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	seeds := map[string][]any{
		"valid":            seed(body, testNow, nil),
		"valid-empty-body": seed(nil, testNow, nil),
		"valid-skewed":     seed(body, testNow.Add(-Window+time.Second), nil),
		"expired":          seed(body, testNow.Add(-Window-time.Second), nil),
		"future":           seed(body, testNow.Add(Window+time.Second), nil),
		"missing-nonce":    seed(body, testNow, func(h http.Header) { h.Del(HeaderNonce) }),
		"unknown-key": seed(body, testNow, func(h http.Header) {
			h.Set(HeaderKeyID, KeyID("los-angeles", pubString(otherSigner)))
		}),
		"bad-signature": seed(body, testNow, func(h http.Header) { h.Set(HeaderSignature, strings.Repeat("A", 86)) }),
		"bad-created":   seed(body, testNow, func(h http.Header) { h.Set(HeaderCreated, "-1") }),
		"bad-digest":    seed(body, testNow, func(h http.Header) { h.Set(HeaderDigest, "sha-256=:x:") }),
	}
	tampered := seed(body, testNow, nil)
	tampered[2] = append(bytes.Clone(body), ' ')
	seeds["tampered-body"] = tampered
	return seeds
}

func receiptSeeds(t *testing.T) map[string][]any {
	env := testEnvelope()
	valid, err := NewReceipt(env, "san-diego", destSigner, testNow)
	if err != nil {
		t.Fatal(err)
	}
	other := testEnvelope()
	other.ID = "0195f3a4-ffff-7d2e-9f00-1234567890ab"
	otherReceipt, err := NewReceipt(other, "san-diego", destSigner, testNow)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := NewReceipt(env, "san-diego", otherSigner, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]any{
		"valid":          {valid},
		"other-envelope": {otherReceipt},
		"forged":         {forged},
		"unknown-field":  {bytes.Replace(valid, []byte(`{`), []byte(`{"ok":true,`), 1)},
		"bad-time":       {bytes.Replace(valid, []byte(`2026-03-14T15:09:26Z`), []byte(`2026-13-14T15:09:26Z`), 1)},
		"empty":          {[]byte(``)},
		"garbage":        {[]byte(`{"envelope":`)},
	}
}

func rosterSeeds(t *testing.T) map[string][]any {
	valid := signedTestRoster(t)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, valid, "", "  "); err != nil {
		t.Fatal(err)
	}
	empty, err := SignRoster(&Roster{Version: 1, IssuedAt: testNow}, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]any{
		"valid":          {valid},
		"valid-pretty":   {pretty.Bytes()},
		"valid-empty":    {empty},
		"tampered-url":   {bytes.Replace(valid, []byte("la.consulado"), []byte("la.attacker"), 1)},
		"insecure-url":   {bytes.Replace(valid, []byte("https://la."), []byte("http://la."), 1)},
		"unknown-field":  {bytes.Replace(valid, []byte(`{"version"`), []byte(`{"x":1,"version"`), 1)},
		"null-key-times": {bytes.Replace(valid, []byte(`"not_before":"2026-01-01T00:00:00Z"`), []byte(`"not_before":null`), 1)},
		"empty":          {[]byte(``)},
	}
}

// encodeSeed writes a corpus file in the format of `go test -fuzz`.
func encodeSeed(args []any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		default:
			panic(fmt.Sprintf("seed value %T", a))
		}
	}
	return b.Bytes()
}

// readSeed reads a corpus file of []byte and string values.
func readSeed(t *testing.T, path string) []any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "go test fuzz v1" {
		t.Fatalf("%s is not a fuzz corpus file", path)
	}
	var args []any
	for _, line := range lines[1:] {
		typ, lit, ok := strings.Cut(line, "(")
		lit, ok2 := strings.CutSuffix(lit, ")")
		s, err := strconv.Unquote(lit)
		if !ok || !ok2 || err != nil {
			t.Fatalf("%s: cannot read %q", path, line)
		}
		switch typ {
		case "[]byte":
			args = append(args, []byte(s))
		case "string":
			args = append(args, s)
		default:
			t.Fatalf("%s: unexpected type %q", path, typ)
		}
	}
	return args
}
