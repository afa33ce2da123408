package jurisdiction

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

var (
	ErrOutside        = errors.New("jurisdiction: the point is in no U.S. county")
	ErrBadCoordinates = errors.New("jurisdiction: latitude must be in [-90, 90] and longitude in [-180, 180]")
	ErrBadZIP         = errors.New("jurisdiction: a ZIP code is 5 digits")
	ErrUnknownZIP     = errors.New("jurisdiction: unknown ZIP code")
)

// Index finds the county of a point or ZIP code. It is read-only once built and
// safe for concurrent use.
type Index struct {
	scale, translate [2]float64
	pts              []qpoint
	polygons         []polygon
	grid             grid
	zips             []zipRow
}

type zipRow struct {
	zip    int32
	county int32 // index into places()
}

var defaultIndex = sync.OnceValues(newIndex)

// Default returns the index of the embedded data, decoded once at first use.
func Default() (*Index, error) {
	return defaultIndex()
}

func newIndex() (*Index, error) {
	raw, err := dataFS.ReadFile("data/us-counties-10m.topo.json")
	if err != nil {
		return nil, err
	}
	ix := &Index{}
	if err := ix.readTopology(raw); err != nil {
		return nil, err
	}
	ix.grid = newGrid(ix.polygons)
	if err := ix.readZIPs(); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *Index) readZIPs() error {
	rows, err := readCSV("us-zctas.csv", 2)
	if err != nil {
		return err
	}
	ix.zips = make([]zipRow, 0, len(rows))
	for _, r := range rows {
		zip, ok := parseZIP(r[0])
		if !ok {
			return errors.New("us-zctas.csv: bad ZIP " + r[0])
		}
		geoid := r[1]
		if g, ok := renamedGeoids[geoid]; ok {
			geoid = g
		}
		county := placeIndex(geoid)
		if county < 0 {
			return errors.New("us-zctas.csv: unknown county " + r[1])
		}
		ix.zips = append(ix.zips, zipRow{zip, int32(county)})
	}
	slices.SortFunc(ix.zips, func(a, b zipRow) int { return int(a.zip - b.zip) })
	return nil
}

func parseZIP(s string) (int32, bool) {
	if len(s) != 5 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return int32(n), err == nil
}

// CountyAt returns the county containing the point. A point on a border between two
// counties resolves to one of them; a point within snapKm of a county but in none
// (a beach, a pier, an island the 1:10m outlines dropped) resolves to the nearest.
func (ix *Index) CountyAt(lat, lon float64) (County, error) {
	c, _, err := ix.Locate(lat, lon)
	return c, err
}

// Locate is CountyAt that also tells whether the point lies inside the county's outline
// (inside) or was matched to the nearest county within snapKm (a guess to be shown as one).
func (ix *Index) Locate(lat, lon float64) (c County, inside bool, err error) {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return County{}, false, ErrBadCoordinates
	}
	x := (lon - ix.translate[0]) / ix.scale[0]
	y := (lat - ix.translate[1]) / ix.scale[1]
	if x < 0 || y < 0 || x > quantum || y > quantum {
		return County{}, false, ErrOutside
	}
	for _, i := range ix.grid.cell(x, y) {
		p := &ix.polygons[i]
		if ix.contains(p, x, y) {
			return places()[p.county].County, true, nil
		}
	}
	if i := ix.nearest(x, y, lat); i >= 0 {
		return places()[ix.polygons[i].county].County, false, nil
	}
	return County{}, false, ErrOutside
}

// CountyForZIP returns the primary county of a 5-digit ZIP code (its ZCTA).
func (ix *Index) CountyForZIP(zip string) (County, error) {
	n, ok := parseZIP(zip)
	if !ok {
		return County{}, ErrBadZIP
	}
	i, found := slices.BinarySearchFunc(ix.zips, n, func(r zipRow, n int32) int { return int(r.zip - n) })
	if !found {
		return County{}, ErrUnknownZIP
	}
	return places()[ix.zips[i].county].County, nil
}

// County returns the county with the given GEOID, including the legacy Connecticut
// counties and the territories the polygons hold.
func (ix *Index) County(geoid string) (County, bool) {
	i := placeIndex(geoid)
	if i < 0 {
		return County{}, false
	}
	return places()[i].County, true
}
