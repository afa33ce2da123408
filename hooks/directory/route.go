package directory

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/i18n"
)

// Basis tells how a place was matched to its county.
const (
	BasisLocation = "location"
	// BasisNearest is a point just outside every outline (a pier, a beach, the border
	// itself at this map's scale) matched to the nearest county: a guess, and said so.
	BasisNearest = "location_nearest"
	BasisZIP     = "zip"
)

// County is the county a place was matched to.
type County struct {
	Geoid string `json:"geoid"`
	Name  string `json:"name"`
	State string `json:"state"`
}

// Route is the consulate whose jurisdiction covers a place.
type Route struct {
	Consulate  string `json:"consulate"`
	County     County `json:"county"`
	Basis      string `json:"basis"`
	Confidence string `json:"confidence"`
	Source     string `json:"source"`
}

// ErrNoJurisdiction means a county has no row in jurisdictions (IT deleted it).
var ErrNoJurisdiction = errors.New("no consulate is assigned to this county")

// Resolve routes a county through the jurisdictions collection, so that IT's corrections
// take effect at once. The rows are kept in memory, in t.
func (t *Table) Resolve(app core.App, county jurisdiction.County, basis string) (Route, error) {
	row, found, err := t.lookup(app, county.Geoid)
	if err != nil {
		return Route{}, err
	}
	if !found {
		return Route{}, ErrNoJurisdiction
	}
	return Route{
		Consulate:  row.Consulate,
		County:     County{Geoid: county.Geoid, Name: county.Name, State: county.State},
		Basis:      basis,
		Confidence: row.Confidence,
		Source:     row.Source,
	}, nil
}

var (
	msgBothOrNone = i18n.Text{
		ES: "Indica una ubicación (lat y lon) o un código postal (zip).",
		EN: "Give a location (lat and lon) or a ZIP code (zip).",
	}
	msgBadLat     = i18n.Text{ES: "La latitud debe ser un número entre -90 y 90.", EN: "The latitude must be a number between -90 and 90."}
	msgBadLon     = i18n.Text{ES: "La longitud debe ser un número entre -180 y 180.", EN: "The longitude must be a number between -180 and 180."}
	msgBadZIP     = i18n.Text{ES: "El código postal debe tener 5 dígitos.", EN: "The ZIP code must have 5 digits."}
	msgUnknownZIP = i18n.Text{ES: "No conocemos ese código postal. Revísalo o comparte tu ubicación.", EN: "We do not know that ZIP code. Check it or share your location."}
	msgOutside    = i18n.Text{ES: "Ese lugar no está en los Estados Unidos; llama a la línea de protección 24/7: +1 520 623 7874.", EN: "That place is not in the United States; call the 24/7 protection line: +1 520 623 7874."}
	msgNoRow      = i18n.Text{ES: "Ningún consulado tiene asignado ese condado. Avisa al consulado; mientras tanto llama al +1 520 623 7874.", EN: "No consulate is assigned to that county. Tell the consulate; meanwhile call +1 520 623 7874."}
)

// RouteOf is GET /api/alertbutton/route?zip= (or ?lat=&lon=): the consulate whose
// jurisdiction covers the place.
func (t *Table) RouteOf(e *core.RequestEvent) error {
	ix, err := jurisdiction.Default()
	if err != nil {
		return e.InternalServerError("", err)
	}
	q := e.Request.URL.Query()
	county, basis, err := locate(e, ix, q.Get("lat"), q.Get("lon"), q.Get("zip"))
	if err != nil {
		return err
	}
	r, err := t.Resolve(e.App, county, basis)
	if errors.Is(err, ErrNoJurisdiction) {
		return e.NotFoundError(msgNoRow.In(i18n.Lang(e)), err)
	}
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, r)
}

// locate turns the query into a county, or a 400 that names the field.
func locate(e *core.RequestEvent, ix *jurisdiction.Index, lat, lon, zip string) (jurisdiction.County, string, error) {
	hasPoint := lat != "" || lon != ""
	if hasPoint == (zip != "") {
		return jurisdiction.County{}, "", i18n.FieldError(e, "lat", "missing_place", msgBothOrNone)
	}
	if zip != "" {
		county, err := ix.CountyForZIP(strings.TrimSpace(zip))
		switch {
		case errors.Is(err, jurisdiction.ErrUnknownZIP):
			return county, "", i18n.FieldError(e, "zip", "unknown_zip", msgUnknownZIP)
		case err != nil:
			return county, "", i18n.FieldError(e, "zip", "invalid_zip", msgBadZIP)
		}
		return county, BasisZIP, nil
	}
	la, errLat := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, errLon := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if errLat != nil || la < -90 || la > 90 || la != la {
		return jurisdiction.County{}, "", i18n.FieldError(e, "lat", "invalid_lat", msgBadLat)
	}
	if errLon != nil || lo < -180 || lo > 180 || lo != lo {
		return jurisdiction.County{}, "", i18n.FieldError(e, "lon", "invalid_lon", msgBadLon)
	}
	county, inside, err := ix.Locate(la, lo)
	if err != nil {
		return county, "", i18n.FieldError(e, "lat", "outside_us", msgOutside)
	}
	if !inside {
		return county, BasisNearest, nil
	}
	return county, BasisLocation, nil
}
