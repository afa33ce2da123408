package checkins_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
)

const secretPlace = "SENTINEL-PLACE ICE field office, 300 N Los Angeles St"

type world struct {
	app        *tests.TestApp
	cfg        *appliance.Config
	a, b       *core.Record // registrants: A (Spanish), B (English)
	tokA, tokB string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	w := &world{app: app, cfg: cfg}
	w.a = apptest.Registrant(t, app, "+13105550301", apptest.Fields{"name": "Ana María López", "zip": "90012", "home_consulate": "los-angeles"})
	w.b = apptest.Registrant(t, app, "+13105550302", apptest.Fields{"name": "Beto Ruiz", "language": "en", "zip": "90012", "home_consulate": "los-angeles"})
	w.tokA, w.tokB = apptest.Token(t, w.a), apptest.Token(t, w.b)
	return w
}

// call makes one JSON request and returns the status and the decoded body (nil when empty).
func call(t testing.TB, h http.Handler, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	status, raw := apptest.Call(t, h, method, path, token, body)
	if raw == "" {
		return status, nil
	}
	return status, apptest.JSON(t, raw)
}

// fieldCode is the error code PocketBase's error shape gives for field.
func fieldCode(body map[string]any, field string) string {
	data, _ := body["data"].(map[string]any)
	f, _ := data[field].(map[string]any)
	code, _ := f["code"].(string)
	return code
}

func fieldMessage(body map[string]any, field string) string {
	data, _ := body["data"].(map[string]any)
	f, _ := data[field].(map[string]any)
	msg, _ := f["message"].(string)
	return msg
}

func dateJSON(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
