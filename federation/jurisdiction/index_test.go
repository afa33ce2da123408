package jurisdiction

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"
)

func testIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestCountyAt(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		name     string
		lat, lon float64
		geoid    string
	}{
		{"downtown Lubbock TX", 33.5779, -101.8552, "48303"},
		{"San Luis Obispo CA", 35.2828, -120.6596, "06079"},
		{"Riverside CA", 33.9806, -117.3755, "06065"},
		{"Hartford CT", 41.7658, -72.6734, "09003"},
		{"Elko NV", 40.8324, -115.7631, "32007"},
		{"Los Angeles CA", 34.0522, -118.2437, "06037"},
		{"Fresno CA", 36.7378, -119.7871, "06019"},
		{"Anchorage AK", 61.2181, -149.9003, "02020"},
		{"Fairbanks AK", 64.8378, -147.7164, "02090"},
		{"Honolulu HI", 21.3069, -157.8583, "15003"},
		{"San Juan PR", 18.4230, -66.0590, "72127"},
		{"Chicago IL", 41.8781, -87.6298, "17031"},
		{"Washington DC", 38.8977, -77.0365, "11001"},
		{"Brownsville TX", 25.9017, -97.4975, "48061"},
		// independent cities are holes in the county around them
		{"Richmond VA", 37.5407, -77.4360, "51760"},
		{"St. Louis city MO", 38.6270, -90.1994, "29510"},
		{"Baltimore city MD", 39.2904, -76.6122, "24510"},
		// Aleutians West lies on both sides of the antimeridian
		{"Adak AK", 51.8800, -176.6580, "02016"},
		{"Attu AK", 52.8400, 173.1800, "02016"},
		{"Unalaska AK", 53.8739, -166.5367, "02016"},
		{"Guam", 13.4500, 144.7800, "66010"},
		{"Key West FL", 24.5551, -81.7800, "12087"},
		{"Miami Beach shore (outside the outline, snapped)", 25.7617, -80.1300, "12086"},
	}
	for _, tt := range tests {
		c, err := ix.CountyAt(tt.lat, tt.lon)
		if err != nil || c.Geoid != tt.geoid {
			t.Errorf("%s: got %+v, %v; want %s", tt.name, c, err, tt.geoid)
		}
	}
}

func TestCountyAtErrors(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		name     string
		lat, lon float64
		err      error
	}{
		{"Mexico City", 19.4326, -99.1332, ErrOutside},
		{"Tijuana, 5 km from the border", 32.4950, -117.0000, ErrOutside},
		{"mid-Atlantic", 35, -40, ErrOutside},
		{"Toronto", 43.6532, -79.3832, ErrOutside},
		{"Null Island", 0, 0, ErrOutside},
		{"NaN latitude", math.NaN(), -100, ErrBadCoordinates},
		{"NaN longitude", 35, math.NaN(), ErrBadCoordinates},
		{"infinite", math.Inf(1), -100, ErrBadCoordinates},
		{"latitude 91", 91, -100, ErrBadCoordinates},
		{"latitude -90.5", -90.5, -100, ErrBadCoordinates},
		{"longitude 181", 35, 181, ErrBadCoordinates},
		{"longitude -180.1", 35, -180.1, ErrBadCoordinates},
		{"pole", 90, 180, ErrOutside},
	}
	for _, tt := range tests {
		c, err := ix.CountyAt(tt.lat, tt.lon)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: got %+v, %v; want %v", tt.name, c, err, tt.err)
		}
	}
}

func TestCountyForZIP(t *testing.T) {
	ix := testIndex(t)
	rows := tableByGeoid(t)
	for zip, geoid := range map[string]string{
		"90012": "06037", // Los Angeles
		"79401": "48303", // Lubbock
		"06103": "09003", // Hartford CT, a legacy county
		"89801": "32007", // Elko
		"00901": "72127", // San Juan PR
		"99571": "02013", // Aleutians East
		"57770": "46102", // Pine Ridge: ZCTA file says 46113 (Shannon), renamed Oglala Lakota
	} {
		c, err := ix.CountyForZIP(zip)
		if err != nil || c.Geoid != geoid {
			t.Errorf("%s: got %+v, %v; want %s", zip, c, err, geoid)
			continue
		}
		if _, ok := rows[c.Geoid]; !ok {
			t.Errorf("%s: county %s is not in the table", zip, c.Geoid)
		}
	}
	for zip, want := range map[string]error{
		"abc": ErrBadZIP, "1234": ErrBadZIP, "123456": ErrBadZIP, "9001a": ErrBadZIP, "": ErrBadZIP,
		" 9001": ErrBadZIP, "+9001": ErrBadZIP, "-9001": ErrBadZIP, "90012-1234": ErrBadZIP,
		"00000": ErrUnknownZIP, "99999": ErrUnknownZIP,
	} {
		if c, err := ix.CountyForZIP(zip); !errors.Is(err, want) {
			t.Errorf("%q: got %+v, %v; want %v", zip, c, err, want)
		}
	}
}

func TestCounty(t *testing.T) {
	ix := testIndex(t)
	if c, ok := ix.County("48303"); !ok || c.Name != "Lubbock County" || c.State != "TX" {
		t.Errorf("48303: %+v %v", c, ok)
	}
	if c, ok := ix.County("09003"); !ok || c.State != "CT" {
		t.Errorf("09003: %+v %v", c, ok)
	}
	for _, g := range []string{"", "00000", "4830", "99999"} {
		if _, ok := ix.County(g); ok {
			t.Errorf("%q: found", g)
		}
	}
}

// Every county the index can return is in the table, and no grid cell is crowded
// (a county-wide box for the Aleutians would put it in every cell of its latitudes).
func TestIndexCoverage(t *testing.T) {
	ix := testIndex(t)
	rows := tableByGeoid(t)
	for _, p := range ix.polygons {
		if g := places()[p.county].Geoid; rows[g].Consulate == "" {
			t.Errorf("polygon county %s has no table row", g)
		}
	}
	for _, z := range ix.zips {
		if g := places()[z.county].Geoid; rows[g].Consulate == "" {
			t.Errorf("ZIP %05d: county %s has no table row", z.zip, g)
		}
	}
	most := 0
	for c := 0; c+1 < len(ix.grid.start); c++ {
		most = max(most, int(ix.grid.start[c+1]-ix.grid.start[c]))
	}
	if most > 100 {
		t.Errorf("a grid cell holds %d polygons", most)
	}
	t.Logf("%d polygons, %d points, %d grid entries, at most %d polygons a cell", len(ix.polygons), len(ix.pts), len(ix.grid.items), most)
}

// The Census internal point of each county should fall in that county. Points the data
// truncated to whole degrees are skipped; points in water (counties reaching into the
// Great Lakes or the sea) may fall outside the shoreline-clipped polygons.
func TestInternalPoints(t *testing.T) {
	ix := testIndex(t)
	own, other, outside, skipped := 0, 0, 0, 0
	for _, p := range places() {
		if p.Lat == math.Trunc(p.Lat) && p.Lon == math.Trunc(p.Lon) {
			skipped++
			continue
		}
		c, err := ix.CountyAt(p.Lat, p.Lon)
		switch {
		case err != nil:
			outside++
		case c.Geoid == p.Geoid:
			own++
		default:
			other++
			t.Logf("%s %s, %s: internal point in %s %s", p.Geoid, p.Name, p.State, c.Geoid, c.Name)
		}
	}
	t.Logf("internal points: %d in their own county, %d in another, %d outside (in water), %d skipped (truncated to whole degrees)",
		own, other, outside, skipped)
	if other > 5 || outside > 60 || own < len(places())-150 {
		t.Errorf("too many internal points missed: %d in another county, %d outside", other, outside)
	}
}

func TestConcurrentLookups(t *testing.T) {
	ix := testIndex(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, p := range places()[:300] {
				ix.CountyAt(p.Lat, p.Lon)
				ix.CountyForZIP("90012")
			}
		})
	}
	wg.Wait()
}

func TestDecodeTimeAndMemory(t *testing.T) {
	var before, after runtime.MemStats
	places() // the counties table is shared with Table()
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix, err := newIndex()
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(ix)
	t.Logf("decode: %v, heap retained: %d KiB, allocated while decoding: %d KiB",
		took, heap/1024, (after.TotalAlloc-before.TotalAlloc)/1024)
	if took > raceSlowdown*500*time.Millisecond {
		t.Errorf("decode took %v", took)
	}
	if heap > 8<<20 {
		t.Errorf("index holds %d KiB", heap/1024)
	}
}

func BenchmarkCountyAt(b *testing.B) {
	ix := testIndex(b)
	var pts [][2]float64
	for _, p := range places() {
		if _, err := ix.CountyAt(p.Lat, p.Lon); err == nil {
			pts = append(pts, [2]float64{p.Lat, p.Lon})
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)]
		if _, err := ix.CountyAt(p[0], p[1]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCountyForZIP(b *testing.B) {
	ix := testIndex(b)
	for b.Loop() {
		if _, err := ix.CountyForZIP("79401"); err != nil {
			b.Fatal(err)
		}
	}
}

// Points on borders: every vertex and edge midpoint of every ring must resolve, and
// none may be claimed by two polygons (edges are evaluated the same way from both sides).
func TestBorders(t *testing.T) {
	ix := testIndex(t)
	claimed := func(x, y float64) int {
		n := 0
		for _, i := range ix.grid.cell(x, y) {
			if ix.contains(&ix.polygons[i], x, y) {
				n++
			}
		}
		return n
	}
	double, unresolved, checked := 0, 0, 0
	for _, p := range ix.polygons {
		for _, r := range p.rings {
			ring := ix.pts[r.start:r.end]
			for i := 1; i < len(ring); i++ {
				a, b := ring[i-1], ring[i]
				mx, my := (float64(a.x)+float64(b.x))/2, (float64(a.y)+float64(b.y))/2
				for _, q := range [][2]float64{{float64(a.x), float64(a.y)}, {mx, my}} {
					checked++
					if claimed(q[0], q[1]) > 1 {
						double++
					}
					lat := q[1]*ix.scale[1] + ix.translate[1]
					lon := q[0]*ix.scale[0] + ix.translate[0]
					if _, err := ix.CountyAt(lat, lon); err != nil {
						unresolved++
					}
				}
			}
		}
	}
	t.Logf("%d border points: %d claimed twice, %d unresolved", checked, double, unresolved)
	if double > 0 || unresolved > 0 {
		t.Errorf("%d border points claimed by two polygons, %d unresolved", double, unresolved)
	}
}

// Points just off the coast take the slower nearest-edge path.
func BenchmarkCountyAtOffshore(b *testing.B) {
	ix := testIndex(b)
	pts := [][2]float64{{43.0154576, -87.5805568}, {41.6350591, -81.7001959}, {24.9843807, -80.667946}, {35.6649367, -75.6852333}}
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)]
		ix.CountyAt(p[0], p[1])
	}
}
