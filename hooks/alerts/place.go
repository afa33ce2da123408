package alerts

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/directory"
)

// How an alert's target consulate was chosen (route_basis), besides directory's
// "location" and "zip".
const (
	BasisRegistrantZIP = "registrant_zip" // the ZIP code the registrant gave when registering
	BasisHome          = "home"           // nothing placed it: the registrant's home consulate
	BasisStaff         = "staff"          // staff chose the consulate
)

type placement struct {
	consulate, basis, geoid, zip string
}

// place routes an alert: its point, else its ZIP code, else the registrant's, else the home
// consulate. It never fails: an alert that cannot be placed still reaches a consulate.
func place(app core.App, dir *directory.Table, in Draft, home string) placement {
	ix, err := jurisdiction.Default()
	if err != nil {
		app.Logger().Error("alerts: the county index did not load; routing to the home consulate", "error", err)
		return placement{consulate: home, basis: BasisHome}
	}
	if in.Lat != nil && in.Lon != nil {
		if county, err := ix.CountyAt(*in.Lat, *in.Lon); err == nil {
			if p, ok := resolve(app, dir, county, directory.BasisLocation, ""); ok {
				return p
			}
		}
	}
	if in.ZIP != "" {
		if p, ok := resolveZIP(app, dir, ix, in.ZIP, directory.BasisZIP); ok {
			return p
		}
	}
	if in.Registrant != nil && in.Registrant.GetString("zip") != "" {
		if p, ok := resolveZIP(app, dir, ix, in.Registrant.GetString("zip"), BasisRegistrantZIP); ok {
			return p
		}
	}
	return placement{consulate: home, basis: BasisHome}
}

func resolveZIP(app core.App, dir *directory.Table, ix *jurisdiction.Index, zip, basis string) (placement, bool) {
	county, err := ix.CountyForZIP(zip)
	if err != nil {
		return placement{}, false
	}
	return resolve(app, dir, county, basis, zip)
}

func resolve(app core.App, dir *directory.Table, county jurisdiction.County, basis, zip string) (placement, bool) {
	r, err := dir.Resolve(app, county, basis)
	if err != nil {
		app.Logger().Warn("alerts: the county's consulate is unknown; placing the alert another way", "county", county.Geoid, "error", err)
		return placement{}, false
	}
	return placement{consulate: r.Consulate, basis: basis, geoid: county.Geoid, zip: zip}, true
}
