package jurisdiction

import "math"

// snapKm is how far outside every polygon a point may be and still get the nearest
// county: the 1:10m outlines cut beaches, piers and small islands, and a phone's fix
// there must still route. It is small enough that Tijuana or Toronto stay outside.
const snapKm = 3.0

// nearest returns the polygon with an edge within snapKm of the quantized point, or -1.
func (ix *Index) nearest(x, y, lat float64) int32 {
	// km per quantized unit, locally.
	kx := ix.scale[0] * 111.2 * math.Cos(lat*math.Pi/180)
	ky := ix.scale[1] * 111.2
	best, bestD := int32(-1), snapKm*snapKm
	c0, r0 := ix.grid.cellOf(x, y)
	for r := max(r0-1, 0); r <= min(r0+1, ix.grid.rows-1); r++ {
		for c := max(c0-1, 0); c <= min(c0+1, ix.grid.cols-1); c++ {
			i := r*ix.grid.cols + c
			for _, pi := range ix.grid.items[ix.grid.start[i]:ix.grid.start[i+1]] {
				p := &ix.polygons[pi]
				if boxDist(p.box, x, y, kx, ky) >= bestD {
					continue
				}
				for _, s := range p.rings {
					if d := ringDist(ix.pts[s.start:s.end], x, y, kx, ky); d < bestD {
						best, bestD = pi, d
					}
				}
			}
		}
	}
	return best
}

// boxDist is the squared distance in km from the point to the box.
func boxDist(b box, x, y, kx, ky float64) float64 {
	dx := max(float64(b.minX)-x, 0, x-float64(b.maxX)) * kx
	dy := max(float64(b.minY)-y, 0, y-float64(b.maxY)) * ky
	return dx*dx + dy*dy
}

// ringDist is the squared distance in km from the point to the ring's edges.
func ringDist(ring []qpoint, x, y, kx, ky float64) float64 {
	best := math.Inf(1)
	px, py := x*kx, y*ky
	for i := 1; i < len(ring); i++ {
		ax, ay := float64(ring[i-1].x)*kx, float64(ring[i-1].y)*ky
		bx, by := float64(ring[i].x)*kx, float64(ring[i].y)*ky
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = min(max(((px-ax)*dx+(py-ay)*dy)/l, 0), 1)
		}
		ex, ey := ax+t*dx-px, ay+t*dy-py
		best = min(best, ex*ex+ey*ey)
	}
	return best
}
