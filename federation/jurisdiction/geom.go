package jurisdiction

// grid is a coarse spatial index over quantized space: each cell lists the polygons
// whose bounding box overlaps it, so a lookup tests a handful of polygons, not all.
// Polygons are indexed one by one, never by county: Aleutians West has islands on
// both sides of the antimeridian and a county-wide box would span the globe.
type grid struct {
	cols, rows int
	cellW      float64 // quantized units per cell
	cellH      float64
	start      []int32 // cell c holds items[start[c]:start[c+1]]
	items      []int32
}

// Quantized coordinates run from 0 to 1e5 on both axes; 360 x 90 cells are about
// one degree each.
const (
	quantum  = 100000
	gridCols = 360
	gridRows = 90
)

func newGrid(polys []polygon) grid {
	g := grid{cols: gridCols, rows: gridRows, cellW: float64(quantum) / gridCols, cellH: float64(quantum) / gridRows}
	g.start = make([]int32, g.cols*g.rows+1)
	each := func(b box, f func(c int)) {
		c0, r0 := g.cellOf(float64(b.minX), float64(b.minY))
		c1, r1 := g.cellOf(float64(b.maxX), float64(b.maxY))
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				f(r*g.cols + c)
			}
		}
	}
	for _, p := range polys {
		each(p.box, func(c int) { g.start[c+1]++ })
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.items = make([]int32, g.start[len(g.start)-1])
	next := make([]int32, g.cols*g.rows)
	copy(next, g.start)
	for i, p := range polys {
		each(p.box, func(c int) {
			g.items[next[c]] = int32(i)
			next[c]++
		})
	}
	return g
}

func (g *grid) cellOf(x, y float64) (col, row int) {
	col = min(max(int(x/g.cellW), 0), g.cols-1)
	row = min(max(int(y/g.cellH), 0), g.rows-1)
	return col, row
}

// cell returns the polygons that may contain the quantized point.
func (g *grid) cell(x, y float64) []int32 {
	c, r := g.cellOf(x, y)
	i := r*g.cols + c
	return g.items[g.start[i]:g.start[i+1]]
}

// contains reports whether the quantized point is inside p, by the even-odd rule over
// all its rings, so holes (an independent city inside a county) are excluded.
func (ix *Index) contains(p *polygon, x, y float64) bool {
	b := p.box
	if x < float64(b.minX) || x > float64(b.maxX) || y < float64(b.minY) || y > float64(b.maxY) {
		return false
	}
	in := false
	for _, r := range p.rings {
		if crossings(ix.pts[r.start:r.end], x, y)%2 == 1 {
			in = !in
		}
	}
	return in
}

// crossings counts the ring's edges that a ray from the point towards +x crosses.
// Each edge is evaluated from its lower end, so two counties sharing an edge (in
// opposite directions) compute the same crossing and a point on it lands in exactly one.
func crossings(ring []qpoint, x, y float64) int {
	n := 0
	for i := 1; i < len(ring); i++ {
		a, b := ring[i-1], ring[i]
		if a.y > b.y {
			a, b = b, a
		}
		ay, by := float64(a.y), float64(b.y)
		if y < ay || y >= by {
			continue
		}
		ax, bx := float64(a.x), float64(b.x)
		if x < ax+(y-ay)*(bx-ax)/(by-ay) {
			n++
		}
	}
	return n
}
