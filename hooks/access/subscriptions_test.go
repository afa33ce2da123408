package access_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestPushEndpointKeepsItsOwner: posting an endpoint that is already someone else's (a
// registrant, a relative through the family link, staff) never takes their row over: the
// poster gets a row of their own (201) and the first owner's row, keys and notices stay
// as they were. Deleting removes only the caller's own row.
func TestPushEndpointKeepsItsOwner(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	endpoint := w.sub.GetString("endpoint")
	body := `{"endpoint":"` + endpoint + `","keys":{"p256dh":"` + subKey + `","auth":"AAAAAAAAAAAAAAAAAAAAAA"}}`
	unchanged := func(who string) {
		t.Helper()
		r, err := w.app.FindRecordById("push_subscriptions", w.sub.Id)
		if err != nil {
			t.Fatalf("after %s: A's subscription is gone: %v", who, err)
		}
		if r.GetString("registrant") != w.a.Id || r.GetString("contact") != "" || r.GetString("staff") != "" || r.GetString("auth") != subAuth {
			t.Fatalf("after %s: A's subscription changed: %v", who, r.FieldsData())
		}
	}
	for _, c := range []struct{ caller, path string }{
		{regB, "/api/alertbutton/push/subscriptions"},
		{rel, "/api/alertbutton/family/" + w.familyToken + "/subscriptions"},
		{adviser, "/api/alertbutton/push/subscriptions"},
	} {
		status, res := w.request(c.caller, http.MethodPost, c.path, body)
		var got struct{ ID string }
		json.Unmarshal([]byte(res), &got)
		if status != http.StatusCreated || got.ID == "" || got.ID == w.sub.Id {
			t.Errorf("%s posting A's endpoint: %d %s, want 201 and a row of their own", c.caller, status, res)
		}
		unchanged(c.caller)
	}
	if status, res := w.request(regA, http.MethodPost, "/api/alertbutton/push/subscriptions", `{"endpoint":"`+endpoint+`","keys":{"p256dh":"`+subKey+`","auth":"`+subAuth+`"}}`); status != http.StatusOK {
		t.Errorf("A posting their own endpoint again: %d %s, want 200", status, res)
	}
	unchanged("A again")
	if status, _ := w.request(regB, http.MethodDelete, "/api/alertbutton/push/subscriptions", `{"endpoint":"`+endpoint+`"}`); status != http.StatusNoContent {
		t.Errorf("B removing their own row: %d", status)
	}
	unchanged("B's delete")
	n, _ := w.app.CountRecords("push_subscriptions")
	if n != 3 { // A's, the relative's and the adviser's
		t.Errorf("%d rows, want 3", n)
	}
}
