package jurisdiction

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// Assignment is one row of the jurisdiction table: the consulate that serves a county.
// Confidence is "documented", "reported", "inferred" or "approximate"; Source says
// where the row comes from or which rule filled it; EffectiveFrom is the date of
// the source ("2022-06-01", "2021-11", "2007"), empty when unknown.
type Assignment struct {
	County                                       County
	Consulate, Confidence, Source, EffectiveFrom string
}

var table = sync.OnceValue(buildTable)

// Table returns the seed jurisdiction table, one row per county sorted by GEOID:
// every county of us-counties.csv, the 8 legacy Connecticut counties of the
// polygons and the territories the polygons hold. The slice is a copy.
func Table() []Assignment {
	return slices.Clone(table())
}

func buildTable() []Assignment {
	all := places()
	selected := make([]map[string]bool, len(rules))
	for i, r := range rules {
		selected[i] = ruleCounties(r, all)
	}
	served := servingConsulates()

	out := make([]Assignment, 0, len(all))
	for _, p := range all {
		a, ok := applyRules(p, selected)
		if !ok {
			a = derive(p, served[p.State])
		}
		out = append(out, a)
	}
	return out
}

// ruleCounties returns the GEOIDs a rule selects, or nil when it takes its whole state.
func ruleCounties(r rule, all []place) map[string]bool {
	switch {
	case len(r.geoids) > 0:
		set := make(map[string]bool, len(r.geoids))
		for _, g := range r.geoids {
			if placeIndex(g) < 0 {
				panic("jurisdiction: rule names unknown county " + g)
			}
			set[g] = true
		}
		return set
	case len(r.names) > 0:
		set := make(map[string]bool, len(r.names))
		for _, name := range r.names {
			n := 0
			for _, p := range all {
				if p.State == r.state && p.Name == name+" County" {
					set[p.Geoid] = true
					n++
				}
			}
			if n != 1 {
				panic(fmt.Sprintf("jurisdiction: %s County, %s matches %d counties", name, r.state, n))
			}
		}
		return set
	case r.northernmost > 0:
		var state []place
		for _, p := range all {
			if p.State == r.state {
				state = append(state, p)
			}
		}
		slices.SortFunc(state, func(a, b place) int { return -cmpFloat(a.Lat, b.Lat) })
		set := make(map[string]bool, r.northernmost)
		for _, p := range state[:min(r.northernmost, len(state))] {
			set[p.Geoid] = true
		}
		return set
	}
	return nil
}

func applyRules(p place, selected []map[string]bool) (Assignment, bool) {
	for i, r := range rules {
		if r.state != "" && r.state != p.State {
			continue
		}
		if set := selected[i]; set != nil && !set[p.Geoid] {
			continue
		}
		return Assignment{
			County:        p.County,
			Consulate:     nearestOf(p, r.consulates),
			Confidence:    r.confidence,
			Source:        r.source,
			EffectiveFrom: r.from,
		}, true
	}
	return Assignment{}, false
}

// servingConsulates maps each state to the consulates known to serve it: those in
// the state, and those the rules assign somewhere in it.
func servingConsulates() map[string][]string {
	served := map[string][]string{}
	add := func(state, code string) {
		if !slices.Contains(served[state], code) {
			served[state] = append(served[state], code)
		}
	}
	for _, c := range consulates() {
		add(c.State, c.Code)
	}
	for _, r := range rules {
		state := r.state
		if state == "" {
			state = places()[placeIndex(r.geoids[0])].State
		}
		for _, code := range r.consulates {
			add(state, code)
		}
	}
	for _, codes := range served {
		slices.Sort(codes)
	}
	return served
}

// derive fills a county no rule covers: the only consulate serving its state
// (inferred), the nearest of several (inferred), or the nearest of all (approximate).
func derive(p place, codes []string) Assignment {
	a := Assignment{County: p.County, Confidence: inferred}
	switch len(codes) {
	case 0:
		all := make([]string, 0, len(consulates()))
		for _, c := range consulates() {
			all = append(all, c.Code)
		}
		a.Consulate = nearestOf(p, all)
		a.Confidence = approximate
		a.Source = fmt.Sprintf("no consulate in %s and no published jurisdiction: nearest consulate to the county's internal point", p.State)
	case 1:
		a.Consulate = codes[0]
		a.Source = fmt.Sprintf("%s is the only consulate in or known to serve %s; no published county list", codes[0], p.State)
	default:
		a.Consulate = nearestOf(p, codes)
		a.Source = fmt.Sprintf("no published county list: nearest to the county's internal point of the consulates in or known to serve %s (%s)",
			p.State, strings.Join(codes, ", "))
	}
	return a
}

// nearestOf returns the code of the consulate nearest to p by great-circle distance.
func nearestOf(p place, codes []string) string {
	best, bestD := "", math.Inf(1)
	for _, code := range codes {
		c, ok := ConsulateByCode(code)
		if !ok {
			panic("jurisdiction: rule names unknown consulate " + code)
		}
		if d := greatCircleKm(p.Lat, p.Lon, c.Lat, c.Lon); d < bestD {
			best, bestD = code, d
		}
	}
	return best
}

// greatCircleKm is the haversine distance between two points in kilometres.
func greatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
