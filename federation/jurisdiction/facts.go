package jurisdiction

// The seed jurisdiction table is built from these rules, in order: the first rule
// that selects a county assigns it. Counties no rule selects fall to the derived
// rules in table.go (the consulates in the state, else the nearest consulate).
// Sources: shared/data/jurisdiction-facts.md.

const (
	documented  = "documented"
	reported    = "reported"
	inferred    = "inferred"
	approximate = "approximate"
)

// rule selects counties of a state and assigns them a consulate, or the nearest
// (great-circle, from the county's internal point) of several consulates.
type rule struct {
	state        string
	geoids       []string // when set, only these counties (state may be empty)
	names        []string // when set, only these counties of state, by name without " County"
	northernmost int      // when set, only the N counties of state with the northernmost internal points
	consulates   []string
	confidence   string
	from         string
	source       string
}

const (
	sre2022    = "SRE release (2022-05) reported by milenio.com and conexionmigrante.com"
	dosMundos  = "dosmundos.com (2021-11)"
	stPaul2020 = "consul's letter reported by elminnesotadehoy.com (2020)"
	atl2007    = "globalatlanta.com (2007)"
	lr2007     = "commercialappeal.com repost (2007)"
)

var texasPanhandle = []string{
	"Dallam", "Sherman", "Hansford", "Ochiltree", "Lipscomb", "Hartley", "Moore", "Hutchinson",
	"Roberts", "Hemphill", "Oldham", "Potter", "Carson", "Gray", "Wheeler", "Deaf Smith", "Randall",
	"Armstrong", "Donley", "Collingsworth", "Parmer", "Castro", "Swisher", "Briscoe", "Hall",
	"Childress", "Bailey", "Lamb", "Hale", "Floyd", "Motley", "Cottle", "Cochran", "Hockley",
	"Lubbock", "Crosby",
}

// westTennessee is the West Tennessee grand division (Tenn. Code Ann. § 4-1-204).
var westTennessee = []string{
	"Benton", "Carroll", "Chester", "Crockett", "Decatur", "Dyer", "Fayette", "Gibson", "Hardeman",
	"Hardin", "Haywood", "Henderson", "Henry", "Lake", "Lauderdale", "McNairy", "Madison", "Obion",
	"Shelby", "Tipton", "Weakley",
}

var rules = []rule{
	// Documented, county by county or state-wide.
	{state: "CT", consulates: []string{"boston"}, confidence: documented, from: "2022-06-01", source: sre2022 + ": all of Connecticut -> boston (was new-york)"},
	{state: "IL", consulates: []string{"chicago"}, confidence: documented, from: "2022-06-01", source: sre2022 + ": all Illinois counties -> chicago"},
	{geoids: []string{"32007"}, consulates: []string{"las-vegas"}, confidence: documented, from: "2022-06-01", source: sre2022 + ": Elko County -> las-vegas (was boise)"},
	{geoids: []string{"12027", "12049", "12055", "12081", "12115"}, consulates: []string{"miami"}, confidence: documented, from: "2022-06-01", source: sre2022 + ": DeSoto, Hardee, Highlands, Manatee, Sarasota -> miami (were orlando)"},
	{state: "TX", names: texasPanhandle, consulates: []string{"albuquerque"}, confidence: documented, from: "2022-06-01", source: "conexionmigrante.com (2022): Texas Panhandle counties -> albuquerque (were dallas)"},
	{state: "KS", consulates: []string{"kansas-city"}, confidence: documented, from: "2021-11", source: dosMundos + ": all of Kansas -> kansas-city"},
	{state: "MO", consulates: []string{"kansas-city"}, confidence: documented, from: "2021-11", source: dosMundos + ": all of Missouri -> kansas-city"},
	{state: "OK", consulates: []string{"oklahoma-city"}, confidence: documented, from: "2023", source: dosMundos + "; gob.mx/sre (2023): Oklahoma -> oklahoma-city"},
	{state: "MN", consulates: []string{"saint-paul"}, confidence: documented, from: "2020", source: stPaul2020 + ": Minnesota -> saint-paul"},
	{state: "ND", consulates: []string{"saint-paul"}, confidence: documented, from: "2020", source: stPaul2020 + ": North Dakota -> saint-paul"},
	{state: "SD", consulates: []string{"saint-paul"}, confidence: documented, from: "2020", source: stPaul2020 + ": South Dakota -> saint-paul"},
	{state: "AL", consulates: []string{"atlanta"}, confidence: documented, from: "2007", source: atl2007 + ": Alabama -> atlanta"},
	{state: "GA", consulates: []string{"atlanta"}, confidence: documented, from: "2007", source: atl2007 + ": Georgia -> atlanta"},
	{state: "AR", consulates: []string{"little-rock"}, confidence: documented, from: "2007", source: lr2007 + ": Arkansas -> little-rock"},
	{geoids: []string{"06111", "06083", "06079"}, consulates: []string{"oxnard"}, confidence: documented, source: "ksby.com; consul quoted by news.yahoo.com: Ventura, Santa Barbara, San Luis Obispo -> oxnard"},
	{geoids: []string{"06065", "06071"}, consulates: []string{"san-bernardino"}, confidence: documented, source: "pe.com (consul quoted): Riverside, San Bernardino -> san-bernardino"},

	// Reported for a region the source does not list county by county: applied as stated.
	{state: "NM", northernmost: 24, consulates: []string{"albuquerque"}, confidence: reported, from: "2022",
		source: "conexionmigrante.com (2022): 24 northern New Mexico counties -> albuquerque; applied to the 24 northernmost internal points"},
	{state: "NM", consulates: []string{"el-paso"}, confidence: reported, from: "2022",
		source: "conexionmigrante.com (2022): southern New Mexico -> el-paso; applied to the 9 counties not among the 24 northernmost"},
	{state: "NJ", northernmost: 13, consulates: []string{"new-brunswick"}, confidence: reported, from: "2023-09",
		source: "gob.mx/sre (2023-09): 13 central and northern New Jersey counties -> new-brunswick, not named; applied to the 13 northernmost internal points"},
	{state: "NJ", consulates: []string{"philadelphia", "new-york"}, confidence: inferred,
		source: "no source for southern New Jersey: nearest of philadelphia, new-york from the county's internal point"},
	{state: "TN", names: westTennessee, consulates: []string{"little-rock"}, confidence: reported, from: "2024",
		source: "jacksonpost.news (2024): West Tennessee -> little-rock; applied to the West Tennessee grand division (Tenn. Code Ann. § 4-1-204)"},
	{state: "TN", consulates: []string{"atlanta"}, confidence: reported, from: "2007",
		source: atl2007 + ": rest of Tennessee -> atlanta"},
	{state: "WI", consulates: []string{"saint-paul", "milwaukee"}, confidence: inferred, from: "2020",
		source: stPaul2020 + ": north-west Wisconsin -> saint-paul, not listed by county; applied: nearest of saint-paul, milwaukee from the county's internal point"},
	{state: "MS", consulates: []string{"little-rock"}, confidence: reported, from: "2007",
		source: lr2007 + ": Mississippi -> little-rock in 2007; not confirmed since"},
}
