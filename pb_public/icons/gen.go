//go:build ignore

// Draws the app's icons (go run pb_public/icons/gen.go pb_public/icons): a red alert button with a white "!" on Mexico green.
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

type shape func(x, y float64) color.NRGBA // x, y in 0..1; alpha 0 = nothing

var (
	green = color.NRGBA{0x0b, 0x5d, 0x3b, 255}
	red   = color.NRGBA{0xb3, 0x26, 0x1e, 255}
	white = color.NRGBA{255, 255, 255, 255}
	none  = color.NRGBA{}
)

func inCircle(x, y, cx, cy, r float64) bool { return math.Hypot(x-cx, y-cy) <= r }

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return math.Hypot(x-cx, y-cy) <= r
}

// bang is the exclamation mark centred at (cx, cy), s tall.
func bang(x, y, cx, cy, s float64) bool {
	w := s * 0.16
	if inRoundRect(x, y, cx-w/2, cy-s/2, cx+w/2, cy+s*0.18, w/2) {
		return true
	}
	return inCircle(x, y, cx, cy+s*0.4, w*0.62)
}

func icon(bg bool, rButton float64) shape {
	return func(x, y float64) color.NRGBA {
		c := none
		if bg {
			c = green
		} else if inRoundRect(x, y, 0.02, 0.02, 0.98, 0.98, 0.2) {
			c = green
		}
		if inCircle(x, y, 0.5, 0.5, rButton) {
			c = white
		}
		if inCircle(x, y, 0.5, 0.5, rButton*0.88) {
			c = red
		}
		if bang(x, y, 0.5, 0.5, rButton*1.1) {
			c = white
		}
		return c
	}
}

func badge(x, y float64) color.NRGBA {
	c := none
	if inCircle(x, y, 0.5, 0.5, 0.46) && !inCircle(x, y, 0.5, 0.5, 0.38) {
		c = white
	}
	if bang(x, y, 0.5, 0.5, 0.5) {
		c = white
	}
	return c
}

func draw(path string, size int, f shape) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := f((float64(px)+(float64(sx)+0.5)/ss)/float64(size), (float64(py)+(float64(sy)+0.5)/ss)/float64(size))
					al := float64(c.A) / 255
					r += float64(c.R) * al
					g += float64(c.G) * al
					b += float64(c.B) * al
					a += al
				}
			}
			n := float64(ss * ss)
			if a > 0 {
				img.SetNRGBA(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(255 * a / n)})
			}
		}
	}
	out, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(out, img); err != nil {
		panic(err)
	}
	out.Close()
}

func main() {
	dir := os.Args[1]
	draw(dir+"/icon-32.png", 32, icon(false, 0.36))
	draw(dir+"/icon-192.png", 192, icon(false, 0.36))
	draw(dir+"/icon-512.png", 512, icon(false, 0.36))
	draw(dir+"/icon-180.png", 180, icon(true, 0.34))
	draw(dir+"/maskable-512.png", 512, icon(true, 0.3))
	draw(dir+"/badge-96.png", 96, badge)
}
