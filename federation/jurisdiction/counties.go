package jurisdiction

import (
	"slices"
	"strings"
	"sync"
)

// County is a U.S. county or equivalent (parish, borough, independent city,
// municipio, planning region). Geoid is the 5-digit state+county FIPS code.
type County struct {
	Geoid, Name, State string
}

// place is a county with its internal point.
type place struct {
	County
	Lat, Lon float64
}

// extraCounties are in the polygons but may be missing from us-counties.csv: the 8
// legacy Connecticut counties (the Gazetteer now lists planning regions) and the
// territories the Gazetteer file leaves out. Points are approximate island or county
// centres, only used to pick a consulate for the territories.
var extraCounties = []place{
	{County{"09001", "Fairfield County", "CT"}, 41.27, -73.39},
	{County{"09003", "Hartford County", "CT"}, 41.81, -72.73},
	{County{"09005", "Litchfield County", "CT"}, 41.79, -73.24},
	{County{"09007", "Middlesex County", "CT"}, 41.43, -72.52},
	{County{"09009", "New Haven County", "CT"}, 41.41, -72.93},
	{County{"09011", "New London County", "CT"}, 41.47, -72.10},
	{County{"09013", "Tolland County", "CT"}, 41.86, -72.34},
	{County{"09015", "Windham County", "CT"}, 41.83, -71.99},
	{County{"66010", "Guam", "GU"}, 13.44, 144.79},
	{County{"69085", "Northern Islands Municipality", "MP"}, 18.10, 145.76},
	{County{"69100", "Rota Municipality", "MP"}, 14.15, 145.21},
	{County{"69110", "Saipan Municipality", "MP"}, 15.19, 145.75},
	{County{"69120", "Tinian Municipality", "MP"}, 14.99, 145.62},
	{County{"78010", "St. Croix Island", "VI"}, 17.73, -64.75},
	{County{"78020", "St. John Island", "VI"}, 18.33, -64.74},
	{County{"78030", "St. Thomas Island", "VI"}, 18.34, -64.93},
}

// renamedGeoids maps GEOIDs retired in 2015 that the ZCTA file still uses.
var renamedGeoids = map[string]string{
	"02270": "02158", // Wade Hampton -> Kusilvak Census Area, AK
	"46113": "46102", // Shannon -> Oglala Lakota County, SD
}

// places returns every county of us-counties.csv plus the extra counties it lacks, sorted by geoid.
var places = sync.OnceValue(func() []place {
	rows := mustLoad(readCSV("us-counties.csv", 5))
	list := make([]place, 0, len(rows)+len(extraCounties))
	for _, r := range rows {
		lat, lon := mustLoad2(parseLatLon(r[3], r[4]))
		list = append(list, place{County{Geoid: r[0], Name: r[1], State: r[2]}, lat, lon})
	}
	slices.SortFunc(list, comparePlaces)
	for _, e := range extraCounties {
		if _, ok := slices.BinarySearchFunc(list, e.Geoid, placeGeoid); !ok {
			list = append(list, e)
		}
	}
	slices.SortFunc(list, comparePlaces)
	return list
})

func comparePlaces(a, b place) int { return strings.Compare(a.Geoid, b.Geoid) }

func placeGeoid(p place, geoid string) int { return strings.Compare(p.Geoid, geoid) }

// placeIndex returns the position of geoid in places(), or -1.
func placeIndex(geoid string) int {
	i, ok := slices.BinarySearchFunc(places(), geoid, placeGeoid)
	if !ok {
		return -1
	}
	return i
}
