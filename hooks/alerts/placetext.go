package alerts

import (
	"encoding/json"
	"fmt"
	"strings"

	"alertbutton/federation/jurisdiction"
)

// PlaceText is the place of an alert as a person reads it, from its sealed location (a point
// as JSON, or what someone wrote) and the county it was placed in: "Los Angeles County, CA;
// 34.0522, -118.2437 (±20 m)", the words as written, or the county and ZIP code it was
// routed by.
func PlaceText(location, geoid, zip string) string {
	county := countyText(geoid)
	var p struct {
		Lat, Lon *float64
		Accuracy *float64
	}
	location = strings.TrimSpace(location)
	if json.Unmarshal([]byte(location), &p) != nil || p.Lat == nil || p.Lon == nil {
		if location != "" || zip == "" {
			return location
		}
		return join(county, "ZIP "+zip)
	}
	point := fmt.Sprintf("%.4f, %.4f", *p.Lat, *p.Lon)
	if p.Accuracy != nil && *p.Accuracy > 0 {
		point += fmt.Sprintf(" (±%.0f m)", *p.Accuracy)
	}
	return join(county, point)
}

// countyText is "Los Angeles County, CA", or "" for an unknown county.
func countyText(geoid string) string {
	ix, err := jurisdiction.Default()
	if err != nil || geoid == "" {
		return ""
	}
	c, ok := ix.County(geoid)
	if !ok {
		return ""
	}
	return c.Name + ", " + c.State
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
