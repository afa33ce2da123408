package jurisdiction

import (
	"slices"
	"strings"
	"testing"
)

func TestConsulates(t *testing.T) {
	list := Consulates()
	if len(list) != 53 {
		t.Fatalf("got %d consulates, want 53", len(list))
	}
	if !slices.IsSortedFunc(list, func(a, b Consulate) int { return strings.Compare(a.Code, b.Code) }) {
		t.Fatal("consulates are not sorted by code")
	}
	for i, c := range list {
		if i > 0 && list[i-1].Code == c.Code {
			t.Errorf("duplicate code %s", c.Code)
		}
		if c.Code == "" || c.City == "" || len(c.State) != 2 || !strings.HasPrefix(c.Name, "Consulado de México en ") {
			t.Errorf("incomplete consulate %+v", c)
		}
		if c.Lat < 17 || c.Lat > 50 || c.Lon < -125 || c.Lon > -65 {
			t.Errorf("%s: point %v,%v is not in the U.S.", c.Code, c.Lat, c.Lon)
		}
	}
	list[0].Code = "changed"
	if Consulates()[0].Code == "changed" {
		t.Error("Consulates returns the package's own slice")
	}
}

func TestConsulateNames(t *testing.T) {
	want := map[string]string{
		"los-angeles":   "Consulado de México en Los Ángeles",
		"san-jose":      "Consulado de México en San José",
		"new-york":      "Consulado de México en Nueva York",
		"philadelphia":  "Consulado de México en Filadelfia",
		"new-orleans":   "Consulado de México en Nueva Orleans",
		"washington-dc": "Consulado de México en Washington D.C.",
		"miami":         "Consulado de México en Miami",
		"chicago":       "Consulado de México en Chicago",
		"saint-paul":    "Consulado de México en Saint Paul",
	}
	for code, name := range want {
		c, ok := ConsulateByCode(code)
		if !ok {
			t.Errorf("%s: not found", code)
			continue
		}
		if c.Name != name {
			t.Errorf("%s: name %q, want %q", code, c.Name, name)
		}
	}
}

func TestConsulateByCode(t *testing.T) {
	c, ok := ConsulateByCode("kansas-city")
	if !ok || c.City != "Kansas City" || c.State != "MO" {
		t.Errorf("kansas-city: %+v %v", c, ok)
	}
	for _, code := range []string{"", "tijuana", "Kansas-City"} {
		if _, ok := ConsulateByCode(code); ok {
			t.Errorf("%q: found", code)
		}
	}
}

// Every consulate says what its point is; San Francisco's is its office ZIP, on land.
func TestConsulateLocationBasis(t *testing.T) {
	for _, c := range Consulates() {
		if strings.TrimSpace(c.LocationBasis) == "" {
			t.Errorf("%s: no location basis", c.Code)
		}
	}
	sf, _ := ConsulateByCode("san-francisco")
	if !strings.Contains(sf.LocationBasis, "94105") {
		t.Errorf("san-francisco: basis %q, want the office ZIP 94105", sf.LocationBasis)
	}
	// the city's Census point (37.727, -123.032) lies in the Pacific, west of the coast at -122.51
	if sf.Lon < -122.51 || sf.Lon > -122.35 || sf.Lat < 37.70 || sf.Lat > 37.82 {
		t.Errorf("san-francisco: point %v,%v is not in the city", sf.Lat, sf.Lon)
	}
}

func TestCitySpanishHasItsAccents(t *testing.T) {
	for city, want := range map[string]string{"Los Angeles": "Los Ángeles", "San Jose": "San José", "Fresno": "Fresno"} {
		if got := CitySpanish(city); got != want {
			t.Errorf("CitySpanish(%q) = %q, want %q", city, got, want)
		}
	}
}
