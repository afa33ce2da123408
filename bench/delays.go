package main

import "time"

// delays collects the delay of each arrival (a push, a realtime event) from its alert's
// 201, and when the first and the last arrived.
type delays struct {
	lat         []time.Duration
	first, last time.Time
}

func (d *delays) add(sent, at time.Time) {
	d.lat = append(d.lat, at.Sub(sent))
	if d.first.IsZero() || at.Before(d.first) {
		d.first = at
	}
	if at.After(d.last) {
		d.last = at
	}
}

// perSecond is how many arrived per second, from the first arrival to the last.
func (d *delays) perSecond() float64 {
	if span := d.last.Sub(d.first).Seconds(); span > 0 {
		return float64(len(d.lat)) / span
	}
	return 0
}
