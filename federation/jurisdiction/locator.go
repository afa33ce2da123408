package jurisdiction

import (
	"math"
	"slices"
	"sync"
)

// Attribution names where the county outlines come from, for whoever shows them.
const Attribution = "County outlines: us-atlas 3.0.1, © 2013-2019 Michael Bostock (ISC licence), from U.S. Census Bureau cartographic boundaries"

// OutlinesLicence is the notice that the ISC licence of us-atlas asks to go with every copy
// of its outlines, simplified ones included.
var OutlinesLicence = sync.OnceValue(func() string {
	return string(mustLoad(dataFS.ReadFile("data/us-counties-10m.LICENSE.txt")))
})

// Ring is a closed ring of [lon, lat] positions: its last position is its first.
type Ring [][2]float64

// Outline is a county's rings on a locator map: outer rings and holes alike, to be
// filled by the even-odd rule.
type Outline struct {
	County County
	Rings  []Ring
}

// Locator is what a small map of a county draws: the frame [west, south, east, north],
// the county, and the counties around it, simplified to the map's size. Longitudes run
// below -180 for a county across the antimeridian (the Aleutians), so that the map is
// continuous.
type Locator struct {
	Frame      [4]float64
	County     Outline
	Neighbours []Outline
}

// Shaping a locator map: the frame is the county's box with a margin, no taller than
// wide nor more than twice as wide as tall; the rings are simplified to tolerancePx of
// a map widthPx wide and rounded to decimals (about 11 m).
const (
	marginShare = 0.15
	maxAspect   = 2.0
	tolerancePx = 0.75
	decimals    = 1e4
)

// Locator returns the locator map of the county with the given GEOID for a map about
// widthPx wide, or false for a county with no outline.
func (ix *Index) Locator(geoid string, widthPx int) (Locator, bool) {
	county := placeIndex(geoid)
	if county < 0 {
		return Locator{}, false
	}
	own := ix.polygonsOf(int32(county))
	if len(own) == 0 {
		return Locator{}, false
	}
	shift := ix.antimeridianShift(own)
	f := ix.frame(own, shift)
	k := math.Cos((f.s + f.n) / 2 * math.Pi / 180)
	s := shaper{ix: ix, k: k, tol: (f.e - f.w) * k / float64(widthPx) * tolerancePx, clip: f.grown(0.02)}

	loc := Locator{Frame: [4]float64{round(f.w), round(f.s), round(f.e), round(f.n)}}
	loc.County = Outline{County: places()[county].County}
	for _, pi := range own {
		loc.County.Rings = append(loc.County.Rings, s.rings(&ix.polygons[pi], shift[pi], false)...)
	}
	loc.Neighbours = ix.around(int32(county), f, s)
	return loc, true
}

// polygonsOf returns the indexes of the county's polygons.
func (ix *Index) polygonsOf(county int32) []int32 {
	var out []int32
	for i := range ix.polygons {
		if ix.polygons[i].county == county {
			out = append(out, int32(i))
		}
	}
	return out
}

// antimeridianShift tells, for each of the polygons, the degrees to add to its
// longitudes: -360 for those east of the antimeridian when the county lies on both sides.
func (ix *Index) antimeridianShift(polys []int32) map[int32]float64 {
	shift := map[int32]float64{}
	west, east := math.Inf(1), math.Inf(-1)
	for _, pi := range polys {
		b := ix.lonLatBox(ix.polygons[pi].box, 0)
		west, east = min(west, b.w), max(east, b.e)
	}
	if east-west <= 180 {
		return shift
	}
	for _, pi := range polys {
		if ix.lonLatBox(ix.polygons[pi].box, 0).w > 0 {
			shift[pi] = -360
		}
	}
	return shift
}

// frame is the map's extent: the county's box with a margin, its aspect bounded.
func (ix *Index) frame(polys []int32, shift map[int32]float64) extent {
	f := extent{w: math.Inf(1), s: math.Inf(1), e: math.Inf(-1), n: math.Inf(-1)}
	for _, pi := range polys {
		f = f.union(ix.lonLatBox(ix.polygons[pi].box, shift[pi]))
	}
	k := math.Cos((f.s + f.n) / 2 * math.Pi / 180)
	w, h := (f.e-f.w)*k, f.n-f.s
	side := max(w, h)
	w, h = w+2*marginShare*side, h+2*marginShare*side
	w = max(w, h)
	h = max(h, w/maxAspect)
	cx, cy := (f.w+f.e)/2, (f.s+f.n)/2
	return extent{w: cx - w/k/2, e: cx + w/k/2, s: cy - h/2, n: cy + h/2}
}

// around returns the outlines of the other counties with a polygon in the frame, by GEOID.
func (ix *Index) around(county int32, f extent, s shaper) []Outline {
	// A frame across the antimeridian also meets the polygons east of it, shifted.
	shifts := []float64{0}
	if f.w < -180 {
		shifts = append(shifts, -360)
	}
	byCounty := map[int32]int{}
	var out []Outline
	for i := range ix.polygons {
		p := &ix.polygons[i]
		if p.county == county {
			continue
		}
		for _, sh := range shifts {
			if !ix.lonLatBox(p.box, sh).meets(f) {
				continue
			}
			rings := s.rings(p, sh, true)
			if len(rings) == 0 {
				continue
			}
			j, ok := byCounty[p.county]
			if !ok {
				j = len(out)
				byCounty[p.county] = j
				out = append(out, Outline{County: places()[p.county].County})
			}
			out[j].Rings = append(out[j].Rings, rings...)
		}
	}
	slices.SortFunc(out, func(a, b Outline) int { return comparePlaces(place{County: a.County}, place{County: b.County}) })
	return out
}

// extent is a box in degrees.
type extent struct{ w, s, e, n float64 }

func (a extent) union(b extent) extent {
	return extent{w: min(a.w, b.w), s: min(a.s, b.s), e: max(a.e, b.e), n: max(a.n, b.n)}
}

func (a extent) meets(b extent) bool {
	return a.w <= b.e && b.w <= a.e && a.s <= b.n && b.s <= a.n
}

// grown is the extent with share of its width added on every side.
func (a extent) grown(share float64) extent {
	d := (a.e - a.w) * share
	dy := d * (a.n - a.s) / (a.e - a.w)
	return extent{w: a.w - d, s: a.s - dy, e: a.e + d, n: a.n + dy}
}

func (ix *Index) lonLatBox(b box, shift float64) extent {
	return extent{
		w: float64(b.minX)*ix.scale[0] + ix.translate[0] + shift,
		e: float64(b.maxX)*ix.scale[0] + ix.translate[0] + shift,
		s: float64(b.minY)*ix.scale[1] + ix.translate[1],
		n: float64(b.maxY)*ix.scale[1] + ix.translate[1],
	}
}

// shaper turns a polygon's rings into a map's: simplified in the map's projection
// (longitudes scaled by k, the cosine of the frame's latitude), and, for the counties
// around, clipped to the frame grown a little so that no cut edge shows.
type shaper struct {
	ix   *Index
	k    float64
	tol  float64 // in projected degrees
	clip extent
}

func (s shaper) rings(p *polygon, shift float64, clip bool) []Ring {
	var out []Ring
	for _, r := range p.rings {
		pts := s.ix.pts[r.start:r.end]
		ring := make(Ring, len(pts))
		for i, q := range pts {
			ring[i] = [2]float64{
				float64(q.x)*s.ix.scale[0] + s.ix.translate[0] + shift,
				float64(q.y)*s.ix.scale[1] + s.ix.translate[1],
			}
		}
		if clip {
			ring = clipRing(ring, s.clip)
		}
		if ring = s.simplified(ring); ring != nil {
			out = append(out, ring)
		}
	}
	return out
}

// simplified is the ring simplified and rounded; where that makes two of its edges cross,
// simplified less, down to not at all, and then not rounded either. It is nil for a ring
// narrower than the tolerance.
func (s shaper) simplified(ring Ring) Ring {
	for tol := s.tol; tol >= s.tol/8; tol /= 2 {
		r := simplifyRing(ring, s.k, tol)
		if r == nil {
			return nil
		}
		if r = rounded(r); r != nil && !crosses(r) {
			return r
		}
	}
	if r := rounded(slices.Clone(ring)); r != nil && !crosses(r) {
		return r
	}
	return ring // rounding would make edges that touch cross
}

func round(v float64) float64 { return math.Round(v*decimals) / decimals }

// rounded is the ring with its positions rounded, repeats dropped; nil when fewer than 4 remain.
func rounded(ring Ring) Ring {
	out := ring[:0]
	for _, p := range ring {
		p = [2]float64{round(p[0]), round(p[1])}
		if len(out) == 0 || p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		return nil
	}
	return out
}
