package directory_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"alertbutton/hooks/apptest"
)

type countyMap struct {
	Geoid, Name, State, Consulate, ConsulateName, Attribution, Licence string
	BBox                                                      [4]float64
	County                                                    [][][2]float64
	Neighbours                                                []struct {
		Geoid, Name string
		Rings       [][][2]float64
	}
}

const mapPath = "/api/alertbutton/counties/%s/map"

func mapURL(geoid string) string { return strings.Replace(mapPath, "%s", geoid, 1) }

// Any staff member may read a county's map (no personal data in it); nobody else.
func TestCountyMapIsForStaff(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	person := apptest.Registrant(t, app, "+13105550101", nil)
	for _, c := range []struct {
		who, token string
		want       int
	}{
		{"anonymous", "", http.StatusUnauthorized},
		{"registrant", apptest.Token(t, person), http.StatusForbidden},
		{"IT", apptest.Token(t, apptest.Staff(t, app, "it@example.org", "it", false)), http.StatusOK},
		{"adviser", apptest.Token(t, apptest.Staff(t, app, "adviser@example.org", "adviser", true)), http.StatusOK},
		{"consul", apptest.Token(t, apptest.Staff(t, app, "consul@example.org", "consul", false)), http.StatusOK},
	} {
		if status, body := apptest.Call(t, h, http.MethodGet, mapURL("06037"), c.token, ""); status != c.want {
			t.Errorf("%s: %d %s, want %d", c.who, status, body, c.want)
		}
	}
}

// Los Angeles: its consulate from the table, its outline, the counties around it (Ventura
// among them), the frame around it, and small.
func TestCountyMapOfLosAngeles(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	staff := apptest.Token(t, apptest.Staff(t, app, "adviser@example.org", "adviser", true))
	m, size := readMap(t, h, staff, "06037")
	if m.Geoid != "06037" || m.Name != "Los Angeles County" || m.State != "CA" {
		t.Errorf("county: %s %s, %s", m.Geoid, m.Name, m.State)
	}
	if m.Consulate != "los-angeles" || m.ConsulateName != "Consulado de México en Los Ángeles" {
		t.Errorf("consulate: %q %q", m.Consulate, m.ConsulateName)
	}
	if !strings.Contains(m.Attribution, "Michael Bostock") || !strings.Contains(m.Attribution, "ISC") {
		t.Errorf("the polygons' attribution is missing: %q", m.Attribution)
	}
	if !strings.HasPrefix(m.Licence, "Copyright 2013-2019 Michael Bostock") || !strings.Contains(m.Licence, "permission notice appear in all copies") {
		t.Errorf("the polygons' licence notice is missing: %q", m.Licence)
	}
	var around []string
	for _, n := range m.Neighbours {
		around = append(around, n.Geoid)
		if len(n.Rings) == 0 {
			t.Errorf("neighbour %s has no ring", n.Geoid)
		}
	}
	for _, g := range []string{"06111", "06029", "06071", "06059"} { // Ventura, Kern, San Bernardino, Orange
		if !slices.Contains(around, g) {
			t.Errorf("%s is not among the counties around Los Angeles: %v", g, around)
		}
	}
	if slices.Contains(around, "06037") {
		t.Error("Los Angeles is among its own neighbours")
	}
	w, s, e, n := m.BBox[0], m.BBox[1], m.BBox[2], m.BBox[3]
	if !(w < -118.95 && e > -117.64 && s < 33.70 && n > 34.83) || e-w > 5 || n-s > 5 {
		t.Errorf("the frame %v does not fit Los Angeles County (about -118.95..-117.65, 33.70..34.82)", m.BBox)
	}
	if len(m.County) == 0 {
		t.Fatal("no outline")
	}
	for _, r := range m.County {
		if len(r) < 4 || r[0] != r[len(r)-1] {
			t.Errorf("a ring of %d positions is not closed", len(r))
		}
	}
	if size > 50_000 {
		t.Errorf("the map of Los Angeles is %d bytes", size)
	}
	t.Logf("Los Angeles: %d bytes, %d neighbours", size, len(m.Neighbours))
}

// The county with the most rings (the Aleutians West, across the antimeridian) stays small
// and in one piece: its frame runs west of -180 rather than around the globe.
func TestCountyMapOfManyIslands(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	staff := apptest.Token(t, apptest.Staff(t, app, "it@example.org", "it", false))
	for _, geoid := range []string{"02016", "02013", "12087"} { // Aleutians West, Aleutians East, Monroe (the Keys)
		m, size := readMap(t, h, staff, geoid)
		if size > 50_000 {
			t.Errorf("%s: %d bytes", geoid, size)
		}
		if len(m.County) < 5 {
			t.Errorf("%s: %d rings: islands were lost", geoid, len(m.County))
		}
		if m.BBox[2]-m.BBox[0] > 60 {
			t.Errorf("%s: the frame %v spans the globe", geoid, m.BBox)
		}
		t.Logf("%s %s: %d bytes, %d rings, %d neighbours", geoid, m.Name, size, len(m.County), len(m.Neighbours))
	}
}

func TestCountyMapRefusesWhatIsNoCounty(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	staff := apptest.Token(t, apptest.Staff(t, app, "adviser@example.org", "adviser", true))
	for _, c := range []struct {
		geoid string
		want  int
		says  string
	}{
		{"99999", http.StatusNotFound, "No hay ningún condado con ese código"},
		{"06000", http.StatusNotFound, "No hay ningún condado con ese código"},
		{"51610", http.StatusNotFound, "no tiene contorno"}, // Falls Church: not in the 1:10m polygons
		{"6037", http.StatusBadRequest, `"geoid":{"code":"invalid_geoid"`},
		{"060370", http.StatusBadRequest, `"geoid":{"code":"invalid_geoid"`},
		{"abcde", http.StatusBadRequest, `"geoid":{"code":"invalid_geoid"`},
		{"06%2037", http.StatusBadRequest, `"geoid":{"code":"invalid_geoid"`},
	} {
		status, body := apptest.Call(t, h, http.MethodGet, mapURL(c.geoid), staff, "")
		if status != c.want || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.geoid, status, body, c.want, c.says)
		}
	}
}

// The answer is the staff member's to keep and revalidate: the same ETag gets a 304, and
// IT's correction of the county's consulate changes it.
func TestCountyMapIsCachedUntilITChangesIt(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	staff := apptest.Token(t, apptest.Staff(t, app, "adviser@example.org", "adviser", true))
	get := func(etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, mapURL("06111"), nil)
		req.Header.Set("Authorization", staff)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	first := get("")
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || first.Header().Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("first answer: %d, ETag %q, Cache-Control %q", first.Code, etag, first.Header().Get("Cache-Control"))
	}
	if again := get(etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("with its ETag: %d, %d bytes", again.Code, again.Body.Len())
	}
	if other := get(`"something-else"`); other.Code != 200 {
		t.Errorf("with another ETag: %d", other.Code)
	}

	row, err := app.FindFirstRecordByFilter("jurisdictions", "county_geoid = '06111'")
	if err != nil {
		t.Fatal(err)
	}
	row.Set("consulate", "los-angeles")
	if err := app.Save(row); err != nil {
		t.Fatal(err)
	}
	changed := get(etag)
	if changed.Code != 200 || !strings.Contains(changed.Body.String(), `"consulate":"los-angeles"`) || changed.Header().Get("ETag") == etag {
		t.Errorf("after IT's correction: %d, ETag %q, %s", changed.Code, changed.Header().Get("ETag"), changed.Body.String()[:120])
	}
}

func readMap(t *testing.T, h http.Handler, token, geoid string) (countyMap, int) {
	t.Helper()
	status, body := apptest.Call(t, h, http.MethodGet, mapURL(geoid), token, "")
	if status != 200 {
		t.Fatalf("%s: %d %s", geoid, status, body)
	}
	var m countyMap
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%s: %v", geoid, err)
	}
	return m, len(body)
}
