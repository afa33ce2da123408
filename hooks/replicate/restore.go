package replicate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"
	"github.com/benbjohnson/litestream"

	"alertbutton/hooks/backup"
)

// RestoreOptions is what `alertbutton restore` was given.
type RestoreOptions struct {
	From string // the replica's URL, as given to serve --replicate
	Dir  string // a new data directory
	// At restores data.db as it was then; zero is the latest the replica holds.
	At time.Time
	// KeysFrom is an encrypted backup (backup create) that holds the keys/ directory,
	// alertbutton.json and the uploaded files, which a replica of data.db does not.
	KeysFrom   string
	Identities []age.Identity
}

// Restore unpacks the backup opt.KeysFrom into opt.Dir for everything but data.db, then
// restores data.db from the replica over it. It returns the time of the replica's last
// transaction that the restore holds.
func Restore(ctx context.Context, opt RestoreOptions) (time.Time, error) {
	client, err := Client(opt.From)
	if err != nil {
		return time.Time{}, err
	}
	if entries, err := os.ReadDir(opt.Dir); err == nil && len(entries) > 0 {
		return time.Time{}, fmt.Errorf("%s is not empty: restore into a new directory", opt.Dir)
	}
	replica := litestream.NewReplicaWithClient(nil, client)
	first, last, err := replica.TimeBounds(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the replica %s: %w", Redact(opt.From), err)
	}
	if last.IsZero() {
		return time.Time{}, fmt.Errorf("the replica %s holds no copy of data.db: check the URL against serve's --replicate, and the S3 keys", Redact(opt.From))
	}
	at := last
	if !opt.At.IsZero() {
		if opt.At.Before(first) || opt.At.After(last) {
			return time.Time{}, fmt.Errorf("the replica %s holds data.db from %s to %s: give a --timestamp between them",
				Redact(opt.From), first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339))
		}
		at = opt.At
	}
	ro := litestream.NewRestoreOptions()
	ro.Timestamp = opt.At
	if _, err := backup.Restore(opt.KeysFrom, opt.Identities, opt.Dir); err != nil {
		return time.Time{}, err
	}
	dbPath := filepath.Join(opt.Dir, "data.db")
	for _, name := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
			return time.Time{}, err
		}
	}
	ro.OutputPath = dbPath
	ro.IntegrityCheck = litestream.IntegrityCheckQuick
	if err := replica.Restore(ctx, ro); err != nil {
		if errors.Is(err, litestream.ErrTxNotAvailable) {
			return time.Time{}, fmt.Errorf("the replica %s holds nothing as old as %s: give a later --timestamp", Redact(opt.From), opt.At.Format(time.RFC3339))
		}
		return time.Time{}, fmt.Errorf("restoring data.db from %s: %w", Redact(opt.From), err)
	}
	return at, os.Chmod(dbPath, 0o600)
}
