// Package directory answers who this consulate is and which consulate serves a place.
package directory

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
)

type consulateJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	City  string `json:"city"`
	State string `json:"state"`
}

type federationJSON struct {
	SigningKey string `json:"signingKey"`
	SealKey    string `json:"sealKey"`
}

type infoJSON struct {
	Consulate      consulateJSON  `json:"consulate"`
	VAPIDPublicKey string         `json:"vapidPublicKey"`
	Federation     federationJSON `json:"federation"`
	Version        string         `json:"version"`
}

// Info is GET /api/alertbutton/info: this consulate and what the app needs to know of it.
func Info(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		c := cfg.Consulate
		return e.JSON(http.StatusOK, infoJSON{
			Consulate:      consulateJSON{Code: c.Code, Name: c.Name, City: c.City, State: c.State},
			VAPIDPublicKey: cfg.Keys().VAPIDPublicKey(),
			Federation:     federationJSON{SigningKey: cfg.Keys().SigningKey(), SealKey: cfg.Keys().SealKey()},
			Version:        appliance.Version,
		})
	}
}
