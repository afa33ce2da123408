package schedule_test

import (
	"testing"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/schedule"
)

func TestTimeZones(t *testing.T) {
	for _, c := range jurisdiction.Consulates() {
		if z := schedule.TimeZone(c); z == "" || schedule.Location(c).String() != z {
			t.Errorf("%s (%s): zone %q loads as %s", c.Code, c.State, z, schedule.Location(c))
		}
	}
	want := map[string]string{
		"los-angeles":   "America/Los_Angeles",
		"el-paso":       "America/Denver",
		"presidio":      "America/Chicago",
		"houston":       "America/Chicago",
		"phoenix":       "America/Phoenix",
		"albuquerque":   "America/Denver",
		"boise":         "America/Boise",
		"indianapolis":  "America/Indiana/Indianapolis",
		"detroit":       "America/Detroit",
		"new-york":      "America/New_York",
		"washington-dc": "America/New_York",
		"san-juan":      "America/Puerto_Rico",
	}
	for code, zone := range want {
		c, ok := jurisdiction.ConsulateByCode(code)
		if !ok {
			t.Fatalf("no consulate %s", code)
		}
		if got := schedule.TimeZone(c); got != zone {
			t.Errorf("%s: %s, want %s", code, got, zone)
		}
	}
	if got := schedule.Location(jurisdiction.Consulate{Code: "nowhere", State: "ZZ"}); got.String() != "UTC" {
		t.Errorf("unknown state: %s, want UTC", got)
	}
}
