package federation

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
)

// Backoff exposes the relay's backoff for tests.
func (r *Relay) Backoff(n int) time.Duration { return r.backoff(n) }

// RetryAt is when the relay next tries the peer, zero when it is not backing off.
func (r *Relay) RetryAt(code string) time.Time { return r.worker(code).retryAt }

// Build makes a row's envelope as the relay does at first send.
func Build(app core.App, cfg *appliance.Config, row *core.Record, now time.Time) error {
	return app.RunInTransaction(func(tx core.App) error { return build(tx, cfg, row, now) })
}
