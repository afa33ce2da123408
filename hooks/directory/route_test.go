package directory_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/directory"
)

func TestRouteDocumentedFacts(t *testing.T) {
	cases := []struct{ name, query, consulate, geoid string }{
		{"Lubbock, TX", "lat=33.5779&lon=-101.8552", "albuquerque", "48303"},
		{"San Luis Obispo, CA", "lat=35.2828&lon=-120.6596", "oxnard", "06079"},
		{"Riverside, CA", "lat=33.9533&lon=-117.3962", "san-bernardino", "06065"},
		{"Hartford, CT", "lat=41.7658&lon=-72.6734", "boston", "09003"},
		{"Elko, NV", "lat=40.8324&lon=-115.7631", "las-vegas", "32007"},
		{"Wichita, KS", "lat=37.6872&lon=-97.3301", "kansas-city", "20173"},
		{"St. Louis, MO", "lat=38.6270&lon=-90.1994", "kansas-city", "29510"},
		{"Sarasota, FL", "lat=27.3364&lon=-82.5307", "miami", "12115"},
		{"ZIP 90012 Los Angeles", "zip=90012", "los-angeles", "06037"},
		{"ZIP 79401 Lubbock", "zip=79401", "albuquerque", "48303"},
	}
	for _, c := range cases {
		s := tests.ApiScenario{
			Name:           c.name,
			Method:         http.MethodGet,
			URL:            "/api/alertbutton/route?" + c.query,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"consulate":"` + c.consulate + `"`,
				`"geoid":"` + c.geoid + `"`,
				`"basis":`,
				`"confidence":`,
			},
			TestAppFactory: apptest.Factory,
		}
		s.Test(t)
	}
}

func TestRouteSaysWhenItGuessed(t *testing.T) {
	for _, c := range []struct{ name, query, basis string }{
		{"inside Los Angeles County", "lat=34.0522&lon=-118.2437", `"basis":"location"`},
		{"Miami Beach shore, outside the 1:10m outline", "lat=25.7617&lon=-80.1300", `"basis":"location_nearest"`},
		{"ZIP code", "zip=90012", `"basis":"zip"`},
	} {
		s := tests.ApiScenario{Name: c.name, Method: http.MethodGet, URL: "/api/alertbutton/route?" + c.query,
			ExpectedStatus: 200, ExpectedContent: []string{c.basis}, TestAppFactory: apptest.Factory}
		s.Test(t)
	}
}

func TestRouteRefusesWhatItCannotPlace(t *testing.T) {
	cases := []struct{ name, query, field, code string }{
		{"no parameters", "", "lat", "missing_place"},
		{"both point and zip", "lat=34&lon=-118&zip=90012", "lat", "missing_place"},
		{"latitude garbage", "lat=abc&lon=-118", "lat", "invalid_lat"},
		{"latitude out of range", "lat=91&lon=-118", "lat", "invalid_lat"},
		{"longitude missing", "lat=34", "lon", "invalid_lon"},
		{"NaN", "lat=NaN&lon=-118", "lat", "invalid_lat"},
		{"Mexico City", "lat=19.4326&lon=-99.1332", "lat", "outside_us"},
		{"Atlantic ocean", "lat=35&lon=-50", "lat", "outside_us"},
		{"Toronto", "lat=43.6532&lon=-79.3832", "lat", "outside_us"},
		{"ZIP garbage", "zip=abc", "zip", "invalid_zip"},
		{"ZIP too short", "zip=1234", "zip", "invalid_zip"},
		{"unknown ZIP", "zip=00000", "zip", "unknown_zip"},
	}
	for _, c := range cases {
		s := tests.ApiScenario{
			Name:               c.name,
			Method:             http.MethodGet,
			URL:                "/api/alertbutton/route?" + c.query,
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"` + c.field + `":{"code":"` + c.code + `"`},
			NotExpectedContent: []string{`"consulate"`},
			TestAppFactory:     apptest.Factory,
		}
		s.Test(t)
	}
}

func TestRouteSpeaksTheRequestLanguage(t *testing.T) {
	for _, s := range []tests.ApiScenario{
		{Name: "Spanish by default", Method: http.MethodGet, URL: "/api/alertbutton/route?zip=abc", ExpectedStatus: 400, ExpectedContent: []string{"El código postal debe tener 5 dígitos"}, TestAppFactory: apptest.Factory},
		{Name: "English on request", Method: http.MethodGet, URL: "/api/alertbutton/route?zip=abc", Headers: map[string]string{"Accept-Language": "en-US,en"}, ExpectedStatus: 400, ExpectedContent: []string{"The ZIP code must have 5 digits"}, TestAppFactory: apptest.Factory},
	} {
		s.Test(t)
	}
}

// IT corrects a row in the admin UI; the next lookup uses it, without a restart.
func TestRouteFollowsITCorrections(t *testing.T) {
	s := tests.ApiScenario{
		Name:            "corrected Lubbock row",
		Method:          http.MethodGet,
		URL:             "/api/alertbutton/route?lat=33.5779&lon=-101.8552",
		ExpectedStatus:  200,
		ExpectedContent: []string{`"consulate":"dallas"`},
		TestAppFactory:  apptest.Factory,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			row, err := app.FindFirstRecordByFilter("jurisdictions", "county_geoid = {:g}", dbx.Params{"g": "48303"})
			if err != nil {
				t.Fatal(err)
			}
			row.Set("consulate", "dallas")
			row.Set("confidence", "reported")
			if err := app.Save(row); err != nil {
				t.Fatal(err)
			}
		},
	}
	s.Test(t)
}

func TestJurisdictionMustNameAKnownConsulate(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	row, err := app.FindFirstRecordByFilter("jurisdictions", "county_geoid = '48303'")
	if err != nil {
		t.Fatal(err)
	}
	row.Set("consulate", "atlantis")
	if err := app.Save(row); err == nil {
		t.Fatal("a row naming an unknown consulate was saved")
	}
}

func TestInfo(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "fresno")
	s := tests.ApiScenario{
		Method:         http.MethodGet,
		URL:            "/api/alertbutton/info",
		ExpectedStatus: 200,
		ExpectedContent: []string{
			`"consulate":{"code":"fresno","name":"Consulado de México en Fresno","city":"Fresno","state":"CA"}`,
			`"vapidPublicKey":"` + cfg.Keys().VAPIDPublicKey() + `"`,
			`"federation":{"signingKey":"` + cfg.Keys().SigningKey() + `","sealKey":"` + cfg.Keys().SealKey() + `"}`,
			`"version":"`,
		},
		TestAppFactory: func(testing.TB) *tests.TestApp { return app },
	}
	s.Test(t)
}

// TestTableFollowsChanges: the rows are kept in memory, and follow IT's edits once
// committed, not edits rolled back.
func TestTableFollowsChanges(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	table := apptest.Appliance(app).Directory
	lubbock := jurisdiction.County{Geoid: "48303", Name: "Lubbock", State: "TX"}
	consulate := func() string {
		t.Helper()
		r, err := table.Resolve(app, lubbock, directory.BasisLocation)
		if err != nil {
			t.Fatal(err)
		}
		return r.Consulate
	}
	before := consulate() // read into memory
	if before == "dallas" {
		t.Fatal("test premise: Lubbock is not assigned to Dallas at first")
	}
	// Kept in memory: an edit that bypasses PocketBase's hooks (raw SQL) is not seen.
	if _, err := app.DB().NewQuery("UPDATE jurisdictions SET consulate = 'houston' WHERE county_geoid = '48303'").Execute(); err != nil {
		t.Fatal(err)
	}
	if got := consulate(); got != before {
		t.Fatalf("after a raw SQL edit: %s, want %s from memory", got, before)
	}
	row, err := app.FindFirstRecordByFilter("jurisdictions", "county_geoid = '48303'")
	if err != nil {
		t.Fatal(err)
	}

	errRollback := errors.New("rolled back")
	err = app.RunInTransaction(func(tx core.App) error {
		row.Set("consulate", "dallas")
		if err := tx.Save(row); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if got := consulate(); got != before {
		t.Fatalf("after a rolled-back edit: %s, want %s", got, before)
	}

	row.Set("consulate", "dallas")
	if err := app.Save(row); err != nil {
		t.Fatal(err)
	}
	if got := consulate(); got != "dallas" {
		t.Fatalf("after IT's edit: %s, want dallas", got)
	}

	if err := app.Delete(row); err != nil {
		t.Fatal(err)
	}
	if _, err := table.Resolve(app, lubbock, directory.BasisLocation); !errors.Is(err, directory.ErrNoJurisdiction) {
		t.Fatalf("after the row was deleted: %v, want ErrNoJurisdiction", err)
	}
}
