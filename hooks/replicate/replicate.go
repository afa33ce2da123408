package replicate

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/replication"
)

// The intervals behind the RPO: Litestream looks at the WAL every monitorInterval and
// ships what it found at most every syncInterval, so a committed alert is in the replica
// within about their sum plus one upload (RPO ≤ 1 s on loopback and a LAN; see the drill).
const (
	monitorInterval = 100 * time.Millisecond
	syncInterval    = 200 * time.Millisecond
	// closeTimeout bounds the last sync at shutdown, so a replica out of reach cannot hold
	// the service's stop past systemd's.
	closeTimeout = 5 * time.Second
)

// Source says where to replicate to; "" is nowhere.
type Source interface{ ReplicaURL() string }

// Replicator is the running replication of data.db.
type Replicator struct {
	url      string
	db       *litestream.DB
	store    *litestream.Store
	progress progress
}

// Status is how far the replica is behind data.db.
type Status struct {
	URL        string    // redacted: no credentials
	LastSyncAt time.Time // the last upload that succeeded (zero: none yet)
	LocalTXID  uint64    // the last transaction in data.db seen by Litestream
	RemoteTXID uint64    // the last transaction in the replica
}

var (
	mu      sync.Mutex
	running = map[core.App]*Replicator{}
)

// Running is the replication of app, or nil when serve runs without --replicate.
func Running(app core.App) *Replicator {
	mu.Lock()
	defer mu.Unlock()
	return running[app]
}

// Bind starts replicating data.db when serve starts, once the migrations have run, and
// stops (after a last sync) when the app terminates. It also hands the WAL to Litestream:
// see checkpoints.go.
func Bind(app core.App, src Source) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		raw := src.ReplicaURL()
		if raw == "" {
			return e.Next()
		}
		r, err := Start(e.App.DataDir(), raw)
		if err != nil {
			return err
		}
		mu.Lock()
		running[app] = r
		mu.Unlock()
		keepCheckpointsToLitestream(e.App)
		replication.Report(func() replication.Status { return r.progress.observe(r.Status(), time.Now()) })
		e.App.Logger().Info("replicating data.db", "to", Redact(raw))
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		mu.Lock()
		r := running[app]
		delete(running, app)
		mu.Unlock()
		if r != nil {
			replication.Report(nil)
			if err := r.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "replication: the last sync failed:", err)
			}
		}
		return e.Next()
	})
}

// Start replicates dataDir/data.db to raw until Close.
func Start(dataDir, raw string) (*Replicator, error) {
	client, err := Client(raw)
	if err != nil {
		return nil, err
	}
	db := litestream.NewDB(filepath.Join(dataDir, "data.db"))
	db.MonitorInterval = monitorInterval
	replica := litestream.NewReplicaWithClient(db, client)
	replica.SyncInterval = syncInterval
	db.Replica = replica
	if fc, ok := client.(*file.ReplicaClient); ok {
		fc.Replica = replica // the replica's files get data.db's owner and modes
	}
	store := litestream.NewStore([]*litestream.DB{db}, litestream.CompactionLevels{
		{Level: 0},
		{Level: 1, Interval: 30 * time.Second},
		{Level: 2, Interval: 5 * time.Minute},
		{Level: 3, Interval: time.Hour},
	})
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store.Logger = logger
	db.SetLogger(logger)
	store.ShutdownSyncTimeout = closeTimeout
	db.ShutdownSyncTimeout = closeTimeout
	if err := store.Open(context.Background()); err != nil {
		return nil, fmt.Errorf("replication to %s did not start: %w", Redact(raw), err)
	}
	return &Replicator{url: raw, db: db, store: store}, nil
}

// Close syncs what is left, for at most closeTimeout, and stops replicating.
func (r *Replicator) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout+time.Second)
	defer cancel()
	return r.store.Close(ctx)
}

// Status says how far the replica is; it does no I/O.
func (r *Replicator) Status() Status {
	s := Status{URL: Redact(r.url), LastSyncAt: r.db.LastSuccessfulSyncAt()}
	if pos, err := r.db.Pos(); err == nil {
		s.LocalTXID = uint64(pos.TXID)
	}
	s.RemoteTXID = uint64(r.db.Replica.Pos().TXID)
	return s
}
