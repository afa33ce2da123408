package jurisdiction

import (
	"encoding/json"
	"fmt"
)

// topology is the part of us-counties-10m.topo.json that the index reads.
type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects struct {
		Counties struct {
			Geometries []struct {
				Type string          `json:"type"`
				ID   string          `json:"id"`
				Arcs json.RawMessage `json:"arcs"`
			} `json:"geometries"`
		} `json:"counties"`
	} `json:"objects"`
	// Arcs hold quantized positions, each but the first a delta from the previous one.
	Arcs [][][2]int32 `json:"arcs"`
}

// qpoint is a quantized position: lon = x*scale[0]+translate[0], lat likewise with y.
type qpoint struct{ x, y int32 }

// span is a ring: pts[start:end], closed (the last point equals the first).
type span struct{ start, end int32 }

// polygon is one polygon of a county: an outer ring and its holes.
type polygon struct {
	county int32 // index into places()
	box    box
	rings  []span
}

type box struct{ minX, minY, maxX, maxY int32 }

// readTopology decodes the county polygons into ix.
func (ix *Index) readTopology(raw []byte) error {
	var t topology
	if err := json.Unmarshal(raw, &t); err != nil {
		return fmt.Errorf("topojson: %w", err)
	}
	ix.scale, ix.translate = t.Transform.Scale, t.Transform.Translate
	arcs := t.Arcs
	n := 0
	for _, a := range arcs {
		n += len(a)
		for i := 1; i < len(a); i++ {
			a[i][0] += a[i-1][0]
			a[i][1] += a[i-1][1]
		}
	}
	// Most arcs are shared by two rings.
	ix.pts = make([]qpoint, 0, 2*n)

	for _, g := range t.Objects.Counties.Geometries {
		county := placeIndex(g.ID)
		if county < 0 {
			return fmt.Errorf("topojson: county %s is not in the counties table", g.ID)
		}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var rings [][]int
			if err := json.Unmarshal(g.Arcs, &rings); err != nil {
				return fmt.Errorf("topojson: %s: %w", g.ID, err)
			}
			polys = [][][]int{rings}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return fmt.Errorf("topojson: %s: %w", g.ID, err)
			}
		default:
			return fmt.Errorf("topojson: %s: unexpected geometry %q", g.ID, g.Type)
		}
		for _, rings := range polys {
			p := polygon{county: int32(county)}
			for k, ring := range rings {
				s, err := ix.appendRing(arcs, ring)
				if err != nil {
					return fmt.Errorf("topojson: %s: %w", g.ID, err)
				}
				// Quantization collapses some tiny islands to fewer than 4 points: no area.
				if s.end-s.start < 4 {
					ix.pts = ix.pts[:s.start]
					if k == 0 {
						break // the outer ring: drop the polygon
					}
					continue
				}
				p.rings = append(p.rings, s)
			}
			if len(p.rings) == 0 {
				continue
			}
			p.box = ix.ringsBox(p.rings)
			ix.polygons = append(ix.polygons, p)
		}
	}
	return nil
}

// appendRing joins a ring's arcs into ix.pts. A negative index ~i means arc i reversed;
// consecutive arcs share their joining point, which is kept once.
func (ix *Index) appendRing(arcs [][][2]int32, ring []int) (span, error) {
	start := len(ix.pts)
	for k, i := range ring {
		reversed := i < 0
		if reversed {
			i = ^i
		}
		if i >= len(arcs) {
			return span{}, fmt.Errorf("arc %d out of range", i)
		}
		a := arcs[i]
		for j := range a {
			p := a[j]
			if reversed {
				p = a[len(a)-1-j]
			}
			if k > 0 && j == 0 {
				continue
			}
			ix.pts = append(ix.pts, qpoint{p[0], p[1]})
		}
	}
	return span{int32(start), int32(len(ix.pts))}, nil
}

func (ix *Index) ringsBox(rings []span) box {
	b := box{minX: 1<<31 - 1, minY: 1<<31 - 1, maxX: -1 << 31, maxY: -1 << 31}
	for _, r := range rings {
		for _, p := range ix.pts[r.start:r.end] {
			b.minX, b.maxX = min(b.minX, p.x), max(b.maxX, p.x)
			b.minY, b.maxY = min(b.minY, p.y), max(b.maxY, p.y)
		}
	}
	return b
}
