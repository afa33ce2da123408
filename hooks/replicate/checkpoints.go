package replicate

import (
	"log/slog"

	"github.com/pocketbase/pocketbase/core"
)

// The WAL has one owner while replicating: Litestream. It copies each commit out of
// data.db-wal before a checkpoint may overwrite or restart the WAL, and it holds a read
// transaction open so that no other checkpoint can restart it meanwhile. Two others would
// still try:
//   - SQLite's automatic checkpoint, run by PocketBase's own connections after a commit once
//     the WAL passes 1000 pages: serve opens them with wal_autocheckpoint(0) instead
//     (appliance.DBConnect), and Litestream checkpoints (PASSIVE at 1000 pages or every
//     minute, TRUNCATE past ~500 MB), after it has shipped the frames;
//   - PocketBase's nightly job __pbDBOptimize__, a wal_checkpoint(TRUNCATE) of data.db that
//     would hold the write lock waiting for Litestream's reader: keepCheckpointsToLitestream
//     replaces it with the same job less that checkpoint.
// PocketBase's own backups (admin UI, backups cron) still run one TRUNCATE checkpoint each;
// Litestream notices the restarted WAL and ships a full snapshot, so nothing is lost.

// optimizeJob is PocketBase's nightly maintenance job (core/base.go).
const optimizeJob = "__pbDBOptimize__"

func keepCheckpointsToLitestream(app core.App) {
	app.Cron().Remove(optimizeJob)
	app.Cron().MustAdd(optimizeJob, "0 0 * * *", func() {
		if _, err := app.AuxNonconcurrentDB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
			app.Logger().Warn("nightly checkpoint of auxiliary.db failed", slog.String("error", err.Error()))
		}
		if _, err := app.NonconcurrentDB().NewQuery("PRAGMA optimize").Execute(); err != nil {
			app.Logger().Warn("nightly PRAGMA optimize failed", slog.String("error", err.Error()))
		}
	})
}
