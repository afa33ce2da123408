// Package jurisdiction answers which county a point or ZIP code is in and which
// Mexican consulate serves each county. It embeds public Census and us-atlas data
// (see data/README.md) and has no PocketBase dependency.
package jurisdiction

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
)

//go:embed data/mx-consulates-us.csv data/us-counties.csv data/us-zctas.csv data/us-counties-10m.topo.json
//go:embed data/us-counties-10m.LICENSE.txt
var dataFS embed.FS

// readCSV returns the rows of an embedded CSV file, header removed.
func readCSV(name string, columns int) ([][]string, error) {
	raw, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = columns
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	return rows[1:], nil
}

func parseLatLon(lat, lon string) (float64, float64, error) {
	y, err := strconv.ParseFloat(lat, 64)
	if err != nil {
		return 0, 0, err
	}
	x, err := strconv.ParseFloat(lon, 64)
	if err != nil {
		return 0, 0, err
	}
	return y, x, nil
}

// mustLoad panics on embedded data that does not parse: it is a build defect, caught by the tests.
func mustLoad[T any](v T, err error) T {
	if err != nil {
		panic("jurisdiction: embedded data: " + err.Error())
	}
	return v
}

func mustLoad2(lat, lon float64, err error) (float64, float64) {
	if err != nil {
		panic("jurisdiction: embedded data: " + err.Error())
	}
	return lat, lon
}
