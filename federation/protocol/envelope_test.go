package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	env := sealedEnvelope(t)
	b, err := Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseEnvelope(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, env) {
		t.Fatalf("round trip changed the envelope:\n got %+v\nwant %+v", got, env)
	}
	again, err := Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("Marshal is not stable:\n%s\n%s", b, again)
	}
	for _, want := range []string{`"v":1,`, `"type":"alert.created"`, `"created_at":"2026-03-14T15:09:26Z"`,
		`"route":{"county_geoid":"06073","basis":"point","target":"san-diego","home":"los-angeles"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("wire bytes %s lack %s", b, want)
		}
	}
}

func TestMarshalUsesUTC(t *testing.T) {
	env := sealedEnvelope(t)
	env.CreatedAt = testNow.In(time.FixedZone("PDT", -7*3600))
	b, err := Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"created_at":"2026-03-14T15:09:26Z"`) {
		t.Fatalf("created_at not in UTC: %s", b)
	}
}

func TestMarshalRefusesInvalid(t *testing.T) {
	env := testEnvelope() // not sealed
	if _, err := Marshal(env); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unsealed envelope: err %v, want ErrMalformed", err)
	}
	env = sealedEnvelope(t)
	if err := Seal(env, bytes.Repeat([]byte("x"), MaxEnvelopeSize), sealString(destSeal)); err != nil {
		t.Fatal(err)
	}
	if _, err := Marshal(env); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "bytes") {
		t.Fatalf("oversize envelope: err %v, want ErrMalformed about its size", err)
	}
}

func TestParseEnvelopeStrict(t *testing.T) {
	valid, err := Marshal(sealedEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(valid, &fields); err != nil {
		t.Fatal(err)
	}
	// with returns the valid envelope with one field replaced (or removed, for nil).
	with := func(name string, value any) []byte {
		m := map[string]json.RawMessage{}
		for k, v := range fields {
			m[k] = v
		}
		if value == nil {
			delete(m, name)
		} else {
			b, _ := json.Marshal(value)
			m[name] = b
		}
		b, _ := json.Marshal(m)
		return b
	}
	route := func(r map[string]any) any { return r }

	cases := map[string][]byte{
		"not json":         []byte("{"),
		"array":            []byte("[]"),
		"trailing data":    append(append([]byte{}, valid...), []byte(` {}`)...),
		"oversize":         append(bytes.Repeat([]byte(" "), MaxEnvelopeSize), valid...),
		"unknown field":    with("extra", 1),
		"case variant":     bytes.Replace(valid, []byte(`"alert":`), []byte(`"Alert":`), 1),
		"repeated field":   bytes.Replace(valid, []byte(`"seq":1`), []byte(`"seq":1,"seq":2`), 1),
		"version 2":        with("v", 2),
		"version string":   with("v", "1"),
		"bad id":           with("id", "short"),
		"id with slash":    with("id", "0195f3a4/7b1c-7d2e-9f00"),
		"bad alert":        with("alert", "not an id at all, spaces"),
		"unknown type":     with("type", "alert.deleted"),
		"bad origin":       with("origin", "Los Angeles"),
		"same endpoints":   with("destination", "los-angeles"),
		"seq zero":         with("seq", 0),
		"seq fraction":     with("seq", 1.5),
		"bad created_at":   with("created_at", "yesterday"),
		"null created_at":  bytes.Replace(valid, []byte(`"created_at":"2026-03-14T15:09:26Z"`), []byte(`"created_at":null`), 1),
		"sealed not b64":   with("sealed", "a+b/c=="),
		"sealed too short": with("sealed", "AAAA"),
		"route not object": with("route", "san-diego"),
		"route no target":  with("route", route(map[string]any{"home": "los-angeles"})),
		"route extra":      with("route", route(map[string]any{"target": "san-diego", "zip": "92101"})),
		"route bad geoid":  with("route", route(map[string]any{"target": "san-diego", "county_geoid": "6073"})),
	}
	for _, name := range []string{"v", "id", "type", "alert", "origin", "destination", "seq", "created_at", "route", "sealed"} {
		cases["missing "+name] = with(name, nil)
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			env, err := ParseEnvelope(b)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %+v, %v; want ErrMalformed", env, err)
			}
		})
	}

	// The helper itself must produce parseable envelopes.
	if _, err := ParseEnvelope(with("seq", 7)); err != nil {
		t.Fatalf("valid variant refused: %v", err)
	}
	minimal := with("route", route(map[string]any{"target": "san-diego"}))
	if _, err := ParseEnvelope(minimal); err != nil {
		t.Fatalf("route with only a target refused: %v", err)
	}
}

func TestEnvelopeTypes(t *testing.T) {
	for _, typ := range []string{"alert.created", "alert.status", "alert.note", "alert.transfer", "alert.cancelled", "alert.safe"} {
		env := testEnvelope()
		env.Type = typ
		if err := Seal(env, []byte(`{}`), sealString(destSeal)); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		b, err := Marshal(env)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if _, err := ParseEnvelope(b); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
}

func TestNewIDIsValid(t *testing.T) {
	a, b := NewID(), NewID()
	if !validID(a) || len(a) != 22 || a == b {
		t.Fatalf("NewID gave %q and %q", a, b)
	}
}

func TestKeyID(t *testing.T) {
	id := KeyID("los-angeles", pubString(originSigner))
	code, key, err := ParseKeyID(id)
	if err != nil || code != "los-angeles" || key != pubString(originSigner) {
		t.Fatalf("ParseKeyID(%q) = %q, %q, %v", id, code, key, err)
	}
	for _, bad := range []string{"", "los-angeles", pubString(originSigner), "Los:" + pubString(originSigner), "los-angeles:abc"} {
		if _, _, err := ParseKeyID(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseKeyID(%q) accepted", bad)
		}
	}
}
