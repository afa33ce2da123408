package schedule

import (
	"time"
	_ "time/tzdata" // the binary is the whole appliance: a host without zoneinfo still has the zones

	"alertbutton/federation/jurisdiction"
)

// stateZones is the time zone of most of each state, D.C. and Puerto Rico.
var stateZones = map[string]string{
	"AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
	"CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DC": "America/New_York",
	"DE": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
	"ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
	"KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
	"MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
	"MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
	"NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
	"NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
	"OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "PR": "America/Puerto_Rico",
	"RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago",
	"TX": "America/Chicago", "UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York",
	"WA": "America/Los_Angeles", "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
}

// consulateZones are the offices in another zone than the rest of their state. El Paso keeps
// Mountain time with Hudspeth County; Presidio, further down the river, keeps Central time.
var consulateZones = map[string]string{
	"el-paso": "America/Denver",
}

// TimeZone returns the IANA time zone of a consulate's office, "" for an unknown state.
func TimeZone(c jurisdiction.Consulate) string {
	if z, ok := consulateZones[c.Code]; ok {
		return z
	}
	return stateZones[c.State]
}

// Location returns the consulate's time zone, or UTC when it has none.
func Location(c jurisdiction.Consulate) *time.Location {
	loc, err := time.LoadLocation(TimeZone(c))
	if err != nil || TimeZone(c) == "" {
		return time.UTC
	}
	return loc
}
