package privacy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/seal"
)

// The sealed copy of a family link's token is for the SMS dispatcher alone: no reader, not
// the registrant, not advisers or consuls (who see the other sealed fields), not IT, gets it,
// sealed or open, from a record, a list or an expand.
func TestFamilyTokenSealedIsShownToNobody(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	owner := newRegistrant(t, app, "+13105550106")
	token, hash := family.NewToken()
	contact := apptest.Contact(t, app, owner, apptest.Fields{"family_token_hash": hash, "family_token_sealed": token, "phone": "+13105550107"})
	stored, err := app.FindRecordById("contacts", contact.Id)
	if err != nil {
		t.Fatal(err)
	}
	if !seal.IsSealed(stored.GetString("family_token_sealed")) {
		t.Fatalf("the token is stored as %q", stored.GetString("family_token_sealed"))
	}
	h := apptest.Handler(t, app)
	readers := map[string]*core.Record{
		"owner":   owner,
		"adviser": apptest.Staff(t, app, "adviser@consulado.example", "adviser", false),
		"consul":  apptest.Staff(t, app, "consul@consulado.example", "consul", false),
		"it":      apptest.Staff(t, app, "it@consulado.example", "it", false),
	}
	paths := []string{
		"/api/collections/contacts/records/" + contact.Id,
		"/api/collections/contacts/records?perPage=500",
		"/api/collections/contacts/records?fields=*,family_token_sealed",
		"/api/collections/registrants/records/" + owner.Id + "?expand=contacts_via_registrant",
	}
	for name, reader := range readers {
		for _, path := range paths {
			status, body := apptest.Call(t, h, http.MethodGet, path, apptest.Token(t, reader), "")
			if status >= 500 || (name != "owner" && status != http.StatusOK) {
				t.Fatalf("%s: %s answered %d %s", name, path, status, body)
			}
			if strings.Contains(body, token) || strings.Contains(body, "family_token_sealed") {
				t.Errorf("%s reads the family token at %s: %s", name, path, body)
			}
		}
	}
	// Advisers do see the relative's phone: the field is hidden from them alone.
	_, body := apptest.Call(t, h, http.MethodGet, paths[0], apptest.Token(t, readers["adviser"]), "")
	if !strings.Contains(body, "+13105550107") {
		t.Fatalf("the adviser does not see the phone: %s", body)
	}
	// An adviser's edit (the admin UI sends the field it could not read as empty) keeps it.
	status, body := apptest.Call(t, h, http.MethodPatch, paths[0], apptest.Token(t, readers["adviser"]),
		`{"name":"Rosa María","family_token_sealed":""}`)
	if status != http.StatusOK {
		t.Fatalf("the adviser's edit answered %d %s", status, body)
	}
	edited, _ := app.FindRecordById("contacts", contact.Id)
	if edited.GetString("family_token_sealed") != stored.GetString("family_token_sealed") {
		t.Fatal("an edit that could not read the token's copy erased it")
	}
}
