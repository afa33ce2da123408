package directory

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/i18n"
)

// mapWidthPx is the width of the desk's locator map that the outlines are simplified for.
const mapWidthPx = 300

type outlineJSON struct {
	Geoid string              `json:"geoid"`
	Name  string              `json:"name"`
	Rings []jurisdiction.Ring `json:"rings"`
}

type countyMapJSON struct {
	Geoid         string              `json:"geoid"`
	Name          string              `json:"name"`
	State         string              `json:"state"`
	Consulate     string              `json:"consulate"`     // "" when IT removed the county's row
	ConsulateName string              `json:"consulateName"` // "" likewise
	BBox          [4]float64          `json:"bbox"`          // west, south, east, north
	County        []jurisdiction.Ring `json:"county"`
	Neighbours    []outlineJSON       `json:"neighbours"`
	Attribution   string              `json:"attribution"`
	Licence       string              `json:"licence"` // the outlines' notice, which goes with every copy
}

var (
	msgBadGeoid     = i18n.Text{ES: "El condado se indica con 5 dígitos (el código GEOID del condado, por ejemplo 06037).", EN: "A county is given by its 5-digit GEOID, such as 06037."}
	msgUnknownGeoid = i18n.Text{ES: "No hay ningún condado con ese código.", EN: "There is no county with that code."}
	msgNoOutline    = i18n.Text{ES: "Ese condado no tiene contorno en los mapas del aparato.", EN: "That county has no outline in the appliance's maps."}
)

// CountyMap is GET /api/alertbutton/counties/{geoid}/map: what the desk's locator map of a
// county draws (its outline and those around it, from the embedded polygons) and the
// consulate that IT's table assigns it. The answer changes only with the table: it carries
// an ETag and is revalidated each time.
func (t *Table) CountyMap(e *core.RequestEvent) error {
	geoid := e.Request.PathValue("geoid")
	if !isGeoid(geoid) {
		return i18n.FieldError(e, "geoid", "invalid_geoid", msgBadGeoid)
	}
	ix, err := jurisdiction.Default()
	if err != nil {
		return e.InternalServerError("", err)
	}
	county, ok := ix.County(geoid)
	if !ok {
		return e.NotFoundError(msgUnknownGeoid.In(i18n.Lang(e)), nil)
	}
	loc, ok := ix.Locator(geoid, mapWidthPx)
	if !ok {
		return e.NotFoundError(msgNoOutline.In(i18n.Lang(e)), nil)
	}
	row, _, err := t.lookup(e.App, geoid)
	if err != nil {
		return e.InternalServerError("", err)
	}
	body, err := json.Marshal(countyMap(county, row.Consulate, loc))
	if err != nil {
		return e.InternalServerError("", err)
	}
	return sendCached(e, body)
}

func countyMap(c jurisdiction.County, consulate string, loc jurisdiction.Locator) countyMapJSON {
	m := countyMapJSON{
		Geoid: c.Geoid, Name: c.Name, State: c.State,
		Consulate: consulate, BBox: loc.Frame, County: loc.County.Rings,
		Neighbours: make([]outlineJSON, 0, len(loc.Neighbours)), Attribution: jurisdiction.Attribution,
		Licence: jurisdiction.OutlinesLicence(),
	}
	if cons, ok := jurisdiction.ConsulateByCode(consulate); ok {
		m.ConsulateName = cons.Name
	}
	for _, n := range loc.Neighbours {
		m.Neighbours = append(m.Neighbours, outlineJSON{Geoid: n.County.Geoid, Name: n.County.Name, Rings: n.Rings})
	}
	return m
}

// sendCached answers body as JSON with an ETag of its content, or 304 when the caller
// holds it already. It is the staff's own copy: private, revalidated at every use.
func sendCached(e *core.RequestEvent, body []byte) error {
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	h := e.Response.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if matches(e.Request.Header.Get("If-None-Match"), etag) {
		return e.NoContent(http.StatusNotModified)
	}
	return e.Blob(http.StatusOK, "application/json", body)
}

// matches tells whether an If-None-Match header names etag (weakly, as RFC 9110 asks).
func matches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

func isGeoid(s string) bool {
	return len(s) == 5 && strings.Trim(s, "0123456789") == ""
}
