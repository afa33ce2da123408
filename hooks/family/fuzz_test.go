package family_test

import (
	"errors"
	"testing"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
)

// FuzzContactByToken is the token of every family route: anything a relative's browser,
// or someone guessing, puts in the X-Family-Token header (or the older routes' path). It must never panic, answer ErrUnknownToken for all
// but the one token issued, and find that token's contact. Seeds: testdata/fuzz/FuzzContactByToken.
func FuzzContactByToken(f *testing.F) {
	app, _ := apptest.New(f, "los-angeles")
	owner := registrant(f, app, "+13105550401")
	contact, token := apptest.LinkedContact(f, app, owner, apptest.Fields{"name": "Rosa López", "phone": "+5215512345678"})
	f.Add(token)
	f.Fuzz(func(t *testing.T, s string) {
		found, err := family.ContactByToken(app, s)
		if s == token {
			if err != nil || found.Id != contact.Id {
				t.Fatalf("the issued token found %v, %v", found, err)
			}
			return
		}
		if !errors.Is(err, family.ErrUnknownToken) || found != nil {
			t.Fatalf("the token %q found %v, %v", s, found, err)
		}
	})
}
