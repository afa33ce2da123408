package directory

import (
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
)

var geoidRE = regexp.MustCompile(`^[0-9]{5}$`)

// FuzzRouteQuery feeds GET /api/alertbutton/route's query parsing any lat, lon and zip.
// It must never panic; what it places is a real county by a named basis, from a point
// inside the map's bounds or a 5-digit ZIP. Seeds: testdata/fuzz/FuzzRouteQuery.
func FuzzRouteQuery(f *testing.F) {
	ix, err := jurisdiction.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, lat, lon, zip string) {
		q := url.Values{"lat": {lat}, "lon": {lon}, "zip": {zip}}
		e := &core.RequestEvent{}
		e.Request = httptest.NewRequest(http.MethodGet, "/api/alertbutton/route?"+q.Encode(), nil)
		e.Response = httptest.NewRecorder()
		county, basis, err := locate(e, ix, lat, lon, zip)
		if err != nil {
			return
		}
		if !geoidRE.MatchString(county.Geoid) {
			t.Fatalf("placed in county %+v", county)
		}
		switch basis {
		case BasisZIP:
			if !regexp.MustCompile(`^[0-9]{5}$`).MatchString(strings.TrimSpace(zip)) {
				t.Fatalf("the ZIP %q placed a county", zip)
			}
		case BasisLocation, BasisNearest:
			la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
			lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
			if err1 != nil || err2 != nil || math.IsNaN(la) || math.IsNaN(lo) || la < -90 || la > 90 || lo < -180 || lo > 180 {
				t.Fatalf("the point %q, %q placed a county", lat, lon)
			}
		default:
			t.Fatalf("basis %q", basis)
		}
	})
}
