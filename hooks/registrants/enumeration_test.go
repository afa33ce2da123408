package registrants_test

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
)

// Registering with a phone that is taken answers exactly as registering with a new one:
// same status, same fields, the same values but the id and times; nothing is stored and the
// phone's owner keeps their account and password.
func TestRegistrationDoesNotTellAPhoneIsTaken(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	owner := register(t, app, "+13105550150")
	post := func(body string) (int, map[string]any) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/api/collections/registrants/records", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		raw, _ := io.ReadAll(rec.Body)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("not JSON: %s", raw)
		}
		return rec.Code, m
	}

	freshStatus, fresh := post(withField("phone", `"+13105550151"`))
	takenStatus, taken := post(withField("phone", `"+13105550150"`))
	if freshStatus != http.StatusOK || takenStatus != freshStatus {
		t.Fatalf("fresh phone %d, taken phone %d: want 200 both", freshStatus, takenStatus)
	}
	if a, b := slices.Sorted(maps.Keys(fresh)), slices.Sorted(maps.Keys(taken)); !slices.Equal(a, b) {
		t.Fatalf("different fields:\nfresh %v\ntaken %v", a, b)
	}
	for k, v := range fresh {
		switch k {
		case "id", "created", "updated":
			if taken[k] == "" || taken[k] == nil {
				t.Errorf("taken phone: empty %s", k)
			}
		case "phone":
			if taken[k] != "+13105550150" {
				t.Errorf("taken phone answered phone %v", taken[k])
			}
		default:
			if taken[k] != v {
				t.Errorf("%s: fresh %v, taken %v", k, v, taken[k])
			}
		}
	}
	if taken["id"] == owner.Id || strings.Contains(toJSON(taken), owner.GetString("name")) {
		t.Errorf("the answer shows the owner: %v", taken)
	}
	if n, _ := app.CountRecords("registrants"); n != 2 {
		t.Errorf("%d registrants, want the owner and the fresh one", n)
	}
	if _, err := app.FindRecordById("registrants", taken["id"].(string)); err == nil {
		t.Error("the taken phone's registration was stored")
	}
	kept, err := app.FindRecordById("registrants", owner.Id)
	if err != nil || !kept.ValidatePassword("contraseña-1") || kept.GetString("phone") != "+13105550150" || kept.GetString("name") != "Ana López" {
		t.Errorf("the owner's account changed: %v", err)
	}

	// The same for a taken e-mail.
	owner.SetEmail("ana@example.org")
	if err := app.Save(owner); err != nil {
		t.Fatal(err)
	}
	status, res := post(withField("phone", `"+13105550155"`)[:len(validBody)-1] + `,"email":"ana@example.org"}`)
	if status != http.StatusOK || res["id"] == nil {
		t.Errorf("a taken e-mail: %d %v, want 200", status, res)
	}
	if n, _ := app.CountRecords("registrants"); n != 2 {
		t.Errorf("the taken e-mail's registration was stored: %d registrants", n)
	}

	// Other mistakes are still named; that the phone is taken is not.
	status, res = post(withField("phone", `"+13105550150"`)[:len(validBody)-1] + `,"name":"` + strings.Repeat("x", 300) + `"}`)
	if data, _ := res["data"].(map[string]any); status != http.StatusBadRequest || data["phone"] != nil || data["name"] == nil {
		t.Errorf("a taken phone and a bad name: %d %v, want 400 naming only the name", status, res)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A phone change through the records API is refused plainly, whether the new phone is
// taken or not: it would need the new phone verified.
func TestPhoneChangeIsRefused(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	a := register(t, app, "+13105550152")
	register(t, app, "+13105550153")
	for _, phone := range []string{"+13105550153", "+13105550154"} {
		req := httptest.NewRequest(http.MethodPatch, "/api/collections/registrants/records/"+a.Id, strings.NewReader(`{"phone":"`+phone+`"}`))
		for k, v := range auth(t, a) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, `"phone":{"code":"phone_change_refused"`) || !strings.Contains(body, "llama o acude a tu consulado") {
			t.Errorf("changing to %s: %d %s", phone, rec.Code, body)
		}
	}
	if got, _ := app.FindRecordById("registrants", a.Id); got.GetString("phone") != "+13105550152" {
		t.Errorf("the phone changed to %s", got.GetString("phone"))
	}
}

// A registration refused for another reason than a taken phone (here a failing hook; in life
// a full disk) is refused, never answered as stored.
func TestRegistrationThatFailsIsNotAnsweredAsStored(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	app.OnRecordCreate("registrants").BindFunc(func(*core.RecordEvent) error { return errors.New("disk I/O error") })
	req := httptest.NewRequest(http.MethodPost, "/api/collections/registrants/records", strings.NewReader(withField("phone", `"+13105550152"`)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	apptest.Handler(t, app).ServeHTTP(rec, req)
	if rec.Code == http.StatusOK {
		t.Fatalf("a registration that was not stored answered %d %s", rec.Code, rec.Body)
	}
}
