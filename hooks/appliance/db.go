package appliance

import (
	"path/filepath"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/stmtcache"
)

// DBConnect opens SQLite as PocketBase does, except synchronous=FULL: with PocketBase's
// default (NORMAL) a power cut can lose a transaction that was already answered with a 201.
// Each connection keeps its statements prepared (stmtcache). The file is made private first
// (see private.go), so that SQLite gives its WAL and shared-memory files the same 0600.
func DBConnect(dbPath string) (*dbx.DB, error) {
	if err := privateDB(dbPath); err != nil {
		return nil, err
	}
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
	if litestreamOwnsWAL && filepath.Base(dbPath) == "data.db" {
		// Litestream also writes (a row of _litestream_seq after each checkpoint): a deferred
		// transaction that read before that commit could not upgrade to a write (SQLITE_BUSY
		// with no wait). IMMEDIATE takes the write lock first, waiting with busy_timeout.
		pragmas += "&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	}
	return stmtcache.Open(dbPath + pragmas)
}

// litestreamOwnsWAL is set when serve replicates data.db (--replicate): then only
// Litestream checkpoints it, after shipping the frames (see hooks/replicate/checkpoints.go).
var litestreamOwnsWAL bool

// LeaveWALToLitestream makes the connections DBConnect opens from now on fit Litestream's
// replication of data.db; serve does it for --replicate.
func LeaveWALToLitestream() { litestreamOwnsWAL = true }

// DataMaxIdleConns is how many read connections PocketBase keeps open between requests
// (its default is 15). In a surge more are in use at once; each one closed and opened again
// read the whole schema anew and lost its prepared statements, 6% of the CPU.
const DataMaxIdleConns = 32
