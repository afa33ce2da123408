package federation_test

import (
	"net/http"
	"testing"

	"alertbutton/hooks/apptest"
)

// Each consulate keeps its own list of facilities: a case's facility crosses by name, and the
// other side points at its own row of that name, added to its list when it had none.
func TestFacilityCrossesByName(t *testing.T) {
	t.Parallel()
	p := newPair(t)
	held := apptest.Facility(t, p.la.app, "adelanto ice processing center", nil) // the same, as los-angeles spells it
	adelanto := apptest.Facility(t, p.fresno.app, "Adelanto ICE Processing Center", nil)
	a := alertAt(t, p.fresno, p.uid)
	status, body := do(t, http.MethodPatch, p.fresno.url+"/api/collections/alerts/records/"+a.Id, p.adviser, map[string]any{"facility": adelanto.Id})
	if status != 200 {
		t.Fatalf("facility at fresno: %d %s", status, body)
	}
	runOnce(t, p.fresno.relay(nil))
	if got := alertAt(t, p.la, p.uid).GetString("facility"); got != held.Id {
		t.Errorf("los-angeles points at %q, want its own row %q", got, held.Id)
	}

	otay := apptest.Facility(t, p.fresno.app, "Otay Mesa Detention Center", nil)
	status, body = do(t, http.MethodPatch, p.fresno.url+"/api/collections/alerts/records/"+a.Id, p.adviser, map[string]any{"facility": otay.Id})
	if status != 200 {
		t.Fatalf("facility at fresno: %d %s", status, body)
	}
	runOnce(t, p.fresno.relay(nil))
	added, err := p.la.app.FindFirstRecordByData("facilities", "name", "Otay Mesa Detention Center")
	if err != nil || alertAt(t, p.la, p.uid).GetString("facility") != added.Id || !added.GetBool("active") {
		t.Errorf("los-angeles did not add the facility it did not list: %v %v", added, err)
	}
}
