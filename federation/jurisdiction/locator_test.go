package jurisdiction

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

// A ring is valid for drawing: closed, at least a triangle, with area, and, unless the
// county's outline has one already (four do, from quantization), no two edges crossing.
func checkRing(t *testing.T, what string, r Ring, mayCross bool) {
	t.Helper()
	if len(r) < 4 || r[0] != r[len(r)-1] {
		t.Errorf("%s: a ring of %d positions is not closed", what, len(r))
		return
	}
	if area(r) == 0 {
		t.Errorf("%s: a ring has no area", what)
	}
	if !mayCross && crosses(r) {
		t.Errorf("%s: two edges of a ring of %d cross", what, len(r))
	}
}

func area(r Ring) float64 {
	a := 0.0
	for i := 1; i < len(r); i++ {
		a += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return math.Abs(a / 2)
}

// crossedOutlines are the counties whose outline has a ring with crossing edges.
func crossedOutlines(ix *Index) map[string]bool {
	out := map[string]bool{}
	for _, p := range ix.polygons {
		for _, s := range p.rings {
			var r Ring
			for _, q := range ix.pts[s.start:s.end] {
				r = append(r, [2]float64{float64(q.x), float64(q.y)})
			}
			if crosses(r) {
				out[places()[p.county].Geoid] = true
			}
		}
	}
	return out
}

func TestSimplifyRingKeepsAClosedSmallerShape(t *testing.T) {
	// a circle of 2000 positions, radius 1 degree at the equator (k = 1)
	var circle Ring
	for i := 0; i < 2000; i++ {
		a := 2 * math.Pi * float64(i) / 2000
		circle = append(circle, [2]float64{math.Cos(a), math.Sin(a)})
	}
	circle = append(circle, circle[0])
	for _, tol := range []float64{0.001, 0.01, 0.1} {
		s := simplifyRing(slices.Clone(circle), 1, tol)
		checkRing(t, "circle", s, false)
		if len(s) >= len(circle)/4 {
			t.Errorf("tolerance %g: %d positions of %d", tol, len(s), len(circle))
		}
		if lost := 1 - area(s)/area(circle); lost < 0 || lost > 4*tol {
			t.Errorf("tolerance %g: %.2f%% of the area lost", tol, 100*lost)
		}
		for _, p := range s {
			if !slices.Contains(circle, p) {
				t.Fatalf("tolerance %g: %v is not a position of the ring", tol, p)
			}
		}
	}
	if s := simplifyRing(circle, 1, 3); s != nil {
		t.Errorf("a ring narrower than the tolerance kept %d positions", len(s))
	}
}

func TestClipRingCutsToTheBox(t *testing.T) {
	square := Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	got := clipRing(slices.Clone(square), extent{w: 1, s: -1, e: 2, n: 5})
	checkRing(t, "clipped square", got, false)
	if a := area(got); a != 4 {
		t.Errorf("clipped area %g, want 4: %v", a, got)
	}
	for _, p := range got {
		if p[0] < 1 || p[0] > 2 {
			t.Errorf("%v is outside the box", p)
		}
	}
	if got := clipRing(square, extent{w: 5, s: 5, e: 6, n: 6}); got != nil {
		t.Errorf("a ring outside the box kept %v", got)
	}
}

// Every county with an outline gets a small locator map of valid rings, with fewer
// positions than the outline's, inside its frame, and not among its own neighbours.
func TestLocatorOfEveryCounty(t *testing.T) {
	ix, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	crossed := crossedOutlines(ix)
	if len(crossed) > 4 {
		t.Errorf("the outlines with crossing edges are %v; were 4", crossed)
	}
	raw := map[int32]int{}
	for _, p := range ix.polygons {
		for _, r := range p.rings {
			raw[p.county] += int(r.end - r.start)
		}
	}
	biggest, biggestSize := "", 0
	for i, p := range places() {
		loc, ok := ix.Locator(p.Geoid, 300)
		if ok != (raw[int32(i)] > 0) {
			t.Errorf("%s: a map %v, an outline %v", p.Geoid, ok, raw[int32(i)] > 0)
		}
		if !ok {
			continue
		}
		if loc.County.County != p.County || len(loc.County.Rings) == 0 {
			t.Errorf("%s: map of %v with %d rings", p.Geoid, loc.County.County, len(loc.County.Rings))
		}
		n := 0
		f := loc.Frame
		for _, r := range loc.County.Rings {
			checkRing(t, p.Geoid, r, crossed[p.Geoid])
			n += len(r)
			for _, q := range r {
				if q[0] < f[0] || q[0] > f[2] || q[1] < f[1] || q[1] > f[3] {
					t.Errorf("%s: %v is outside the frame %v", p.Geoid, q, f)
					break
				}
			}
		}
		if n > raw[int32(i)] {
			t.Errorf("%s: %d positions, more than the outline's %d", p.Geoid, n, raw[int32(i)])
		}
		for _, o := range loc.Neighbours {
			if o.County.Geoid == p.Geoid {
				t.Errorf("%s is its own neighbour", p.Geoid)
			}
			for _, r := range o.Rings {
				checkRing(t, p.Geoid+" around: "+o.County.Geoid, r, crossed[o.County.Geoid])
			}
		}
		b, _ := json.Marshal(loc)
		if len(b) > biggestSize {
			biggest, biggestSize = p.Geoid, len(b)
		}
	}
	if biggestSize > 40_000 {
		t.Errorf("the biggest map, %s, is %d bytes", biggest, biggestSize)
	}
	t.Logf("the biggest map: %s, %d bytes", biggest, biggestSize)
}

// At the map's size, the big outlines lose positions that no pixel would show.
func TestLocatorSimplifiesBigOutlines(t *testing.T) {
	ix, _ := Default()
	for _, geoid := range []string{"02185", "02016", "02013"} { // North Slope, Aleutians West and East
		loc, _ := ix.Locator(geoid, 300)
		raw, n := 0, 0
		for _, pi := range ix.polygonsOf(int32(placeIndex(geoid))) {
			for _, r := range ix.polygons[pi].rings {
				raw += int(r.end - r.start)
			}
		}
		for _, r := range loc.County.Rings {
			n += len(r)
		}
		if n >= raw {
			t.Errorf("%s: %d positions of %d", geoid, n, raw)
		}
		t.Logf("%s: %d positions of %d", geoid, n, raw)
	}
}
