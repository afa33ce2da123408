package jurisdiction

import "slices"

// simplifyRing is the closed ring simplified by Douglas-Peucker to tol, measured with
// longitudes scaled by k (an equirectangular projection at the map's latitude). The ring
// is split at its first position and the position farthest from it, and each half is
// simplified. It returns nil for a ring that would keep no area (narrower than tol).
func simplifyRing(ring Ring, k, tol float64) Ring {
	if len(ring) < 4 {
		return nil
	}
	far, farD := 0, -1.0
	for i, p := range ring {
		dx, dy := (p[0]-ring[0][0])*k, p[1]-ring[0][1]
		if d := dx*dx + dy*dy; d > farD {
			far, farD = i, d
		}
	}
	keep := make([]bool, len(ring))
	keep[0], keep[far], keep[len(ring)-1] = true, true, true
	mark(ring, 0, far, k, tol*tol, keep)
	mark(ring, far, len(ring)-1, k, tol*tol, keep)
	out := make(Ring, 0, len(ring))
	for i, p := range ring {
		if keep[i] {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		return nil
	}
	return out
}

// mark keeps the positions between a and b that stray more than tol (squared: tol2) from
// the segment ab, recursively.
func mark(ring Ring, a, b int, k, tol2 float64, keep []bool) {
	if b-a < 2 {
		return
	}
	best, bestD := -1, tol2
	for i := a + 1; i < b; i++ {
		if d := segDist2(ring[i], ring[a], ring[b], k); d > bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return
	}
	keep[best] = true
	mark(ring, a, best, k, tol2, keep)
	mark(ring, best, b, k, tol2, keep)
}

// segDist2 is the squared distance from p to the segment ab, longitudes scaled by k.
func segDist2(p, a, b [2]float64, k float64) float64 {
	px, py := p[0]*k, p[1]
	ax, ay := a[0]*k, a[1]
	dx, dy := b[0]*k-ax, b[1]-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = min(max(((px-ax)*dx+(py-ay)*dy)/l, 0), 1)
	}
	ex, ey := ax+t*dx-px, ay+t*dy-py
	return ex*ex + ey*ey
}

// clipRing is the closed ring cut to the box (Sutherland-Hodgman): still closed, with
// edges along the box where the ring left it; nil when nothing of it is inside.
func clipRing(ring Ring, b extent) Ring {
	inside := []func(p [2]float64) bool{
		func(p [2]float64) bool { return p[0] >= b.w },
		func(p [2]float64) bool { return p[0] <= b.e },
		func(p [2]float64) bool { return p[1] >= b.s },
		func(p [2]float64) bool { return p[1] <= b.n },
	}
	cross := []func(p, q [2]float64) [2]float64{
		func(p, q [2]float64) [2]float64 { return atX(p, q, b.w) },
		func(p, q [2]float64) [2]float64 { return atX(p, q, b.e) },
		func(p, q [2]float64) [2]float64 { return atY(p, q, b.s) },
		func(p, q [2]float64) [2]float64 { return atY(p, q, b.n) },
	}
	pts := ring[:len(ring)-1] // open
	for side := range inside {
		in, at := inside[side], cross[side]
		var out Ring
		for i, q := range pts {
			p := pts[(i+len(pts)-1)%len(pts)]
			switch {
			case in(q) && !in(p):
				out = append(out, at(p, q), q)
			case in(q):
				out = append(out, q)
			case in(p):
				out = append(out, at(p, q))
			}
		}
		if len(out) < 3 {
			return nil
		}
		pts = out
	}
	return append(slices.Clip(pts), pts[0])
}

func atX(p, q [2]float64, x float64) [2]float64 {
	return [2]float64{x, p[1] + (q[1]-p[1])*(x-p[0])/(q[0]-p[0])}
}

func atY(p, q [2]float64, y float64) [2]float64 {
	return [2]float64{p[0] + (q[0]-p[0])*(y-p[1])/(q[1]-p[1]), y}
}

// flat is how near zero (in degrees to the fourth) the product of two sides is still a
// touch: edges that touch in the quantized outline may miss by a rounding error in degrees.
const flat = 1e-16

// crosses tells whether two edges of the closed ring cross (touching is not crossing).
func crosses(r Ring) bool {
	for i := 1; i < len(r); i++ {
		for j := i + 2; j < len(r); j++ {
			if i == 1 && j == len(r)-1 {
				continue // the first and last edges meet at the ring's start
			}
			a, b, c, d := r[i-1], r[i], r[j-1], r[j]
			if side(a, b, c)*side(a, b, d) < -flat && side(c, d, a)*side(c, d, b) < -flat {
				return true
			}
		}
	}
	return false
}

// side is positive when c is left of the line ab, negative when right, 0 on it.
func side(a, b, c [2]float64) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}
