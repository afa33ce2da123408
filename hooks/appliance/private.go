package appliance

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Modes of the data directory and the databases: the service account's alone. PocketBase
// makes the directory 0755 and SQLite its files 0644 (less the umask).
const (
	dataDirMode = 0o700
	dbFileMode  = 0o600
)

// dbCompanions are the files SQLite keeps beside a database in WAL mode.
var dbCompanions = []string{"", "-wal", "-shm", "-journal"}

// privateDB makes the database's directory 0700 and the database 0600 before SQLite opens
// it: a new database is created empty with that mode, an existing one and its WAL and
// shared-memory files are tightened (a directory from an older version, a restore, a copy).
// SQLite creates the WAL and shared-memory files with the database file's mode.
func privateDB(dbPath string) error {
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, dataDirMode); err != nil {
		return err
	}
	if err := tighten(dir, dataDirMode); err != nil {
		return err
	}
	f, err := os.OpenFile(dbPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, dbFileMode)
	if err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return err
	}
	for _, suffix := range dbCompanions {
		if err := tighten(dbPath+suffix, dbFileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// tighten removes from path's mode every permission that mode does not have.
func tighten(path string, mode fs.FileMode) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&^mode == 0 {
		return nil
	}
	if err := os.Chmod(path, info.Mode().Perm()&mode); err != nil {
		return fmt.Errorf("%s is readable by others (mode %04o) and could not be made private: %w; run `chmod %o %s`",
			path, info.Mode().Perm(), err, mode, path)
	}
	return nil
}
