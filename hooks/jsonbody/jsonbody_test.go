package jsonbody_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/hooks/jsonbody"
)

func event(body string) *core.RequestEvent {
	e := &core.RequestEvent{}
	e.Request, e.Response = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)), httptest.NewRecorder()
	return e
}

func apiError(t *testing.T, err error) *router.ApiError {
	t.Helper()
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%v is not PocketBase's error shape", err)
	}
	return apiErr
}

func TestDecodeTakesOnlyTheStructsFields(t *testing.T) {
	var body struct {
		CancelPin string `json:"cancelPin"`
		Plain     string
		Skipped   string `json:"-"`
		hidden    string
	}
	if err := jsonbody.Decode(event(`{"cancelPin":"1234","Plain":"x"}`), "es", 100, &body); err != nil || body.CancelPin != "1234" || body.Plain != "x" {
		t.Fatalf("%v %+v", err, body)
	}
	for _, name := range []string{"Skipped", "hidden", "-", "cancel_pin_hash"} {
		err := jsonbody.Decode(event(`{"`+name+`":"x"}`), "en", 100, &body)
		if a := apiError(t, err); a.Status != 400 || a.Data[name] == nil || !strings.Contains(a.Message, "not accepted: "+name+".") {
			t.Errorf("%s: %+v", name, a)
		}
	}
	if err := jsonbody.Decode(event(`{"cancelPin":1234}`), "es", 100, &body); apiError(t, err).Status != 400 {
		t.Error("a wrong type was taken")
	}
}

func TestReadNamesEveryField(t *testing.T) {
	var fields []string
	for i := range 12 {
		fields = append(fields, fmt.Sprintf(`"f%02d":1`, i))
	}
	_, err := jsonbody.Read(event(`{"ok":1,`+strings.Join(fields, ",")+`}`), "es", 1000, "ok")
	a := apiError(t, err)
	if a.Status != 400 || len(a.Data) != 12 || !strings.Contains(a.Message, "f00, f01, f02, f03, f04, f05, f06, f07, f08, f09, …") || strings.Contains(a.Message, "f10") {
		t.Errorf("%d %q %d named", a.Status, a.Message, len(a.Data))
	}
	if obj, err := jsonbody.Read(event(" \n"), "es", 10, "ok"); err != nil || len(obj.Fields) != 0 {
		t.Errorf("an empty body: %v", err)
	}
	if _, err := jsonbody.Read(event(`{"ok":"`+strings.Repeat("x", 20)+`"}`), "es", 10, "ok"); apiError(t, err).Status != http.StatusRequestEntityTooLarge {
		t.Error("a body past max was read")
	}
	for _, body := range []string{`[1]`, `"x"`, `null`, `{"ok":`} {
		if _, err := jsonbody.Read(event(body), "es", 100, "ok"); apiError(t, err).Data["body"] == nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// TestPeekAndReadDecodeOnce: a middleware's Peek and the route's Read share one reading of
// the body (the request's body here cannot be read twice).
func TestPeekAndReadDecodeOnce(t *testing.T) {
	e := event(`{"uid":"x","extra":1}`)
	if f := jsonbody.Peek(e, 100); string(f["uid"]) != `"x"` || f["extra"] == nil {
		t.Fatalf("peeked %v", f)
	}
	_, err := jsonbody.Read(e, "en", 100, "uid")
	if a := apiError(t, err); a.Status != 400 || a.Data["extra"] == nil {
		t.Errorf("Read after Peek: %+v", a)
	}
	for _, body := range []string{`[1]`, `null`, `{"uid":`, strings.Repeat(" ", 101)} {
		if f := jsonbody.Peek(event(body), 100); f != nil {
			t.Errorf("%q peeked as %v", body, f)
		}
	}
	if f := jsonbody.Peek(event(" "), 100); f == nil || len(f) != 0 {
		t.Errorf("an empty body peeked as %v, want {}", f)
	}
}
