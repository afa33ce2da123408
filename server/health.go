package server

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
)

// peersHealth is the federation's health of the peers, for GET /api/alertbutton/health.
func peersHealth(app core.App) (any, error) {
	return federation.Health(app, time.Now())
}
