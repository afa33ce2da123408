package family_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
)

// deletionWaits records the owner's deletion as waiting for their last case, as a DELETE
// during an open case does (hooks/registrants).
func deletionWaits(t testing.TB, app core.App, owner *core.Record) {
	t.Helper()
	_, err := app.DB().Insert("pending_deletions", dbx.Params{
		"registrant": owner.Id, "requested_at": "2026-12-03T09:00:00Z", "requested_by": "registrant:" + owner.Id,
	}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

// Once the person deleted their account, their relatives' links answer as unknown ones, as
// after a real deletion, even while an open case keeps the account: whoever holds the phone
// would otherwise learn from a link they made that a case is still open (the duress PIN).
func TestFamilyLinkOfADeletedAccountIsUnknownWhileItsCaseIsOpen(t *testing.T) {
	t.Parallel()
	for _, s := range []tests.ApiScenario{
		{Name: "page", Method: http.MethodGet, URL: family.Path},
		{Name: "page, token in the path", Method: http.MethodGet},
		{Name: "subscribe", Method: http.MethodPost, URL: family.Path + "/subscriptions"},
		{Name: "unsubscribe", Method: http.MethodDelete, URL: family.Path + "/subscriptions"},
		{Name: "report", Method: http.MethodPost, URL: family.Path + "/alerts"},
	} {
		s.ExpectedStatus, s.ExpectedContent = 404, []string{"no es válido"}
		s.NotExpectedContent = []string{"Ana", "los-angeles"}
		apptest.Run(t, "los-angeles", s, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			owner, _, token := linked(t, app, "es")
			deletionWaits(t, app, owner)
			if s.URL == "" {
				s.URL = family.Path + "/" + token
			} else {
				s.Headers = map[string]string{family.Header: token}
			}
			if _, err := family.ContactByToken(app, token); err != family.ErrUnknownToken {
				t.Errorf("ContactByToken: %v, want ErrUnknownToken", err)
			}
		})
	}
}

// A link the database could not look up is not answered as revoked: the relative's page and
// report are told to try again (500), not that their link no longer works (404).
func TestFamilyLinkLookupFailureIsNotARevokedLink(t *testing.T) {
	t.Parallel()
	for _, s := range []tests.ApiScenario{
		{Name: "page", Method: http.MethodGet, URL: family.Path},
		{Name: "report", Method: http.MethodPost, URL: family.Path + "/alerts", Body: strings.NewReader(`{"kind":"detained"}`)},
	} {
		s.ExpectedStatus, s.NotExpectedContent = 500, []string{"no es válido"}
		s.ExpectedContent = []string{`"status":500`}
		apptest.Run(t, "los-angeles", s, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			_, _, token := linked(t, app, "es")
			s.Headers = map[string]string{family.Header: token, "Content-Type": "application/json"}
			if _, err := app.DB().NewQuery("DROP TABLE pending_deletions").Execute(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
