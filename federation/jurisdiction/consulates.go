package jurisdiction

import (
	"slices"
	"strings"
	"sync"
)

// Consulate is one of the 53 Mexican consulates in the U.S. Lat and Lon are the point the
// nearest rule measures from; LocationBasis says what it is (most are the internal point of
// the city, not the office address; San Francisco's is its office ZIP, as the city's lies offshore).
type Consulate struct {
	Code, Name, City, State string
	Lat, Lon                float64
	LocationBasis           string
}

// spanishCity holds the cities whose Spanish name differs from the data's.
var spanishCity = map[string]string{
	"Los Angeles":          "Los Ángeles",
	"San Jose":             "San José",
	"New York":             "Nueva York",
	"Philadelphia":         "Filadelfia",
	"New Orleans":          "Nueva Orleans",
	"Washington":           "Washington D.C.",
	"Miami (Coral Gables)": "Miami",
}

// CitySpanish is a consulate's city as Spanish speakers write it ("Los Angeles" gives
// "Los Ángeles"); other names are the same in both languages.
func CitySpanish(city string) string {
	if es, ok := spanishCity[city]; ok {
		return es
	}
	return city
}

var consulates = sync.OnceValue(func() []Consulate {
	rows := mustLoad(readCSV("mx-consulates-us.csv", 6))
	list := make([]Consulate, 0, len(rows))
	for _, r := range rows {
		lat, lon := mustLoad2(parseLatLon(r[3], r[4]))
		city := r[1]
		name := city
		if es, ok := spanishCity[city]; ok {
			name = es
		}
		list = append(list, Consulate{
			Code:  r[0],
			Name:  "Consulado de México en " + name,
			City:  city,
			State: r[2],
			Lat:   lat,
			Lon:   lon,

			LocationBasis: r[5],
		})
	}
	slices.SortFunc(list, func(a, b Consulate) int { return strings.Compare(a.Code, b.Code) })
	return list
})

// Consulates returns all 53 consulates, sorted by code. The slice is a copy.
func Consulates() []Consulate {
	return slices.Clone(consulates())
}

// ConsulateByCode returns the consulate with the given code, such as "los-angeles".
func ConsulateByCode(code string) (Consulate, bool) {
	list := consulates()
	i, ok := slices.BinarySearchFunc(list, code, func(c Consulate, code string) int {
		return strings.Compare(c.Code, code)
	})
	if !ok {
		return Consulate{}, false
	}
	return list[i], true
}
