package outbox

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/groupcommit"
)

// drainTimeout bounds how long shutdown waits for sends in flight; a send cut short is
// retried on the next start.
const drainTimeout = 10 * time.Second

// Bind starts the dispatcher on OnServe and stops it (draining in-flight sends, bounded)
// on OnTerminate, before PocketBase closes the database.
func Bind(app core.App, cfg *appliance.Config, commits *groupcommit.Committer) {
	var running atomic.Pointer[Dispatcher]
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if cfg.SMS.Ready() {
			e.App.Logger().Info("outbox: " + cfg.SMS.State())
		} else {
			e.App.Logger().Warn("outbox: " + cfg.SMS.State())
		}
		d := NewDispatcher(e.App, cfg, Options{Commits: commits})
		if old := running.Swap(d); old != nil {
			stop(old)
		}
		d.Start()
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if d := running.Swap(nil); d != nil {
			stop(d)
		}
		return e.Next()
	})
}

func stop(d *Dispatcher) {
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := d.Stop(ctx); err != nil {
		d.app.Logger().Warn("outbox: sends cut short at shutdown; they are retried on the next start", "error", err)
	}
}
