package jurisdiction

import (
	"strings"
	"testing"
)

func tableByGeoid(t *testing.T) map[string]Assignment {
	t.Helper()
	rows := map[string]Assignment{}
	for _, a := range Table() {
		if _, dup := rows[a.County.Geoid]; dup {
			t.Fatalf("county %s twice in the table", a.County.Geoid)
		}
		rows[a.County.Geoid] = a
	}
	return rows
}

// Documented county-level facts of shared/data/jurisdiction-facts.md.
var documentedCounties = map[string]string{
	"32007": "las-vegas", // Elko NV
	"12027": "miami", "12049": "miami", "12055": "miami", "12081": "miami", "12115": "miami",
	"06111": "oxnard", "06083": "oxnard", "06079": "oxnard",
	"06065": "san-bernardino", "06071": "san-bernardino",
	// the 36 named Texas Panhandle counties
	"48111": "albuquerque", "48421": "albuquerque", "48195": "albuquerque", "48357": "albuquerque",
	"48295": "albuquerque", "48205": "albuquerque", "48341": "albuquerque", "48233": "albuquerque",
	"48393": "albuquerque", "48211": "albuquerque", "48359": "albuquerque", "48375": "albuquerque",
	"48065": "albuquerque", "48179": "albuquerque", "48483": "albuquerque", "48117": "albuquerque",
	"48381": "albuquerque", "48011": "albuquerque", "48129": "albuquerque", "48087": "albuquerque",
	"48369": "albuquerque", "48069": "albuquerque", "48437": "albuquerque", "48045": "albuquerque",
	"48191": "albuquerque", "48075": "albuquerque", "48017": "albuquerque", "48279": "albuquerque",
	"48189": "albuquerque", "48153": "albuquerque", "48345": "albuquerque", "48101": "albuquerque",
	"48079": "albuquerque", "48219": "albuquerque", "48303": "albuquerque", "48107": "albuquerque",
	// the 8 legacy Connecticut counties
	"09001": "boston", "09003": "boston", "09005": "boston", "09007": "boston",
	"09009": "boston", "09011": "boston", "09013": "boston", "09015": "boston",
}

// Documented whole states, with their county counts where the source gives them.
var documentedStates = map[string]struct {
	consulate string
	counties  int
}{
	"CT": {"boston", 0}, "IL": {"chicago", 102},
	"KS": {"kansas-city", 105}, "MO": {"kansas-city", 115},
	"OK": {"oklahoma-city", 77},
	"MN": {"saint-paul", 87}, "ND": {"saint-paul", 53}, "SD": {"saint-paul", 66},
	"AL": {"atlanta", 67}, "GA": {"atlanta", 159}, "AR": {"little-rock", 75},
}

func TestTableDocumentedCounties(t *testing.T) {
	rows := tableByGeoid(t)
	for geoid, want := range documentedCounties {
		a, ok := rows[geoid]
		if !ok {
			t.Errorf("%s: not in the table", geoid)
			continue
		}
		if a.Consulate != want || a.Confidence != "documented" {
			t.Errorf("%s %s: %s (%s), want %s documented", geoid, a.County.Name, a.Consulate, a.Confidence, want)
		}
	}
}

func TestTableDocumentedStates(t *testing.T) {
	counts := map[string]int{}
	for _, a := range Table() {
		want, ok := documentedStates[a.County.State]
		if !ok {
			continue
		}
		counts[a.County.State]++
		if a.Consulate != want.consulate || a.Confidence != "documented" {
			t.Errorf("%s %s: %s (%s), want %s documented", a.County.Geoid, a.County.Name, a.Consulate, a.Confidence, want.consulate)
		}
	}
	for state, want := range documentedStates {
		if want.counties > 0 && counts[state] != want.counties {
			t.Errorf("%s: %d counties, want %d", state, counts[state], want.counties)
		}
	}
	if counts["CT"] < 8 {
		t.Errorf("CT: %d counties, want at least the 8 legacy ones", counts["CT"])
	}
}

func TestTableEffectiveFrom(t *testing.T) {
	rows := tableByGeoid(t)
	for geoid, want := range map[string]string{"32007": "2022-06-01", "09003": "2022-06-01", "17031": "2022-06-01", "20091": "2021-11", "48303": "2022-06-01"} {
		if got := rows[geoid].EffectiveFrom; got != want {
			t.Errorf("%s: effective from %q, want %q", geoid, got, want)
		}
	}
}

func TestTableReportedRegions(t *testing.T) {
	count := map[string]int{}
	for _, a := range Table() {
		count[a.County.State+" "+a.Consulate]++
		switch a.County.State {
		case "PR":
			if a.Consulate != "san-juan" {
				t.Errorf("%s %s: %s, want san-juan", a.County.Geoid, a.County.Name, a.Consulate)
			}
		case "NM", "NJ", "TN", "WI":
			if a.Confidence == "documented" {
				t.Errorf("%s %s: a vague fact marked documented", a.County.Geoid, a.County.Name)
			}
		}
	}
	for key, want := range map[string]int{
		"NM albuquerque": 24, "NM el-paso": 9,
		"NJ new-brunswick": 13,
		"TN little-rock":   21, "TN atlanta": 74,
	} {
		if count[key] != want {
			t.Errorf("%s: %d counties, want %d", key, count[key], want)
		}
	}
	rows := tableByGeoid(t)
	for geoid, want := range map[string]string{
		"47157": "little-rock",   // Shelby TN (Memphis)
		"47037": "atlanta",       // Davidson TN (Nashville)
		"35001": "albuquerque",   // Bernalillo NM
		"35013": "el-paso",       // Doña Ana NM
		"34023": "new-brunswick", // Middlesex NJ
		"34007": "philadelphia",  // Camden NJ
		"55079": "milwaukee",     // Milwaukee WI
		"55031": "saint-paul",    // Douglas WI (Superior)
		"06037": "los-angeles",
		"06019": "fresno",
		"48201": "houston",
		"48141": "el-paso",
		"11001": "washington-dc",
		"78030": "san-juan", // St. Thomas VI
	} {
		if a := rows[geoid]; a.Consulate != want {
			t.Errorf("%s %s: %s, want %s", geoid, a.County.Name, a.Consulate, want)
		}
	}
}

func TestTableComplete(t *testing.T) {
	table := Table()
	csvRows, err := readCSV("us-counties.csv", 5)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range csvRows {
		want[r[0]] = true
	}
	for _, e := range extraCounties {
		want[e.County.Geoid] = true
	}
	if len(table) != len(want) {
		t.Errorf("table has %d rows, want %d (%d counties + legacy CT and territories not among them)", len(table), len(want), len(csvRows))
	}
	t.Logf("table: %d rows, %d from us-counties.csv", len(table), len(csvRows))

	rows := tableByGeoid(t)
	for g := range want {
		if _, ok := rows[g]; !ok {
			t.Errorf("%s: missing from the table", g)
		}
	}
	confidences := map[string]int{}
	for i, a := range table {
		if i > 0 && table[i-1].County.Geoid >= a.County.Geoid {
			t.Fatalf("table not sorted by geoid at %s", a.County.Geoid)
		}
		if _, ok := ConsulateByCode(a.Consulate); !ok {
			t.Errorf("%s: unknown consulate %q", a.County.Geoid, a.Consulate)
		}
		switch a.Confidence {
		case "documented", "reported", "inferred", "approximate":
		default:
			t.Errorf("%s: confidence %q", a.County.Geoid, a.Confidence)
		}
		confidences[a.Confidence]++
		if strings.TrimSpace(a.Source) == "" || a.County.Name == "" || len(a.County.State) != 2 || len(a.County.Geoid) != 5 {
			t.Errorf("incomplete row %+v", a)
		}
	}
	t.Logf("confidence: %v", confidences)
}

func TestTableIsACopy(t *testing.T) {
	Table()[0].Consulate = "changed"
	if Table()[0].Consulate == "changed" {
		t.Error("Table returns the package's own slice")
	}
}

// The Bay Area by the nearest rule, now that San Francisco's point is its office ZIP 94105
// (the city's internal point lay offshore and handed Contra Costa and San Mateo to San José).
// No fact in shared/data/jurisdiction-facts.md names a Bay Area county, so these rows are
// the nearest of California's consulates to each county's internal point (inferred).
func TestTableBayArea(t *testing.T) {
	rows := tableByGeoid(t)
	for geoid, want := range map[string]string{
		"06075": "san-francisco", // San Francisco
		"06013": "san-francisco", // Contra Costa (was san-jose from the offshore point)
		"06081": "san-francisco", // San Mateo (was san-jose from the offshore point)
		"06041": "san-francisco", // Marin
		"06097": "san-francisco", // Sonoma
		"06055": "sacramento",    // Napa
		"06095": "sacramento",    // Solano
		"06045": "sacramento",    // Mendocino (was san-francisco from the offshore point)
		"06085": "san-jose",      // Santa Clara
		"06087": "san-jose",      // Santa Cruz
		// Alameda's internal point lies east, near Pleasanton: 40 km from San José's point,
		// 45 km from the San Francisco office. The rule says san-jose; IT corrects the row
		// if the consulates say otherwise (no public source names Alameda's consulate).
		"06001": "san-jose",
	} {
		a := rows[geoid]
		if a.Consulate != want || a.Confidence != "inferred" {
			t.Errorf("%s %s: %s (%s), want %s (inferred)", geoid, a.County.Name, a.Consulate, a.Confidence, want)
		}
	}
}
