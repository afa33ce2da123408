package keys

// The files that hold this appliance's secrets (these keys and the sealing key of hooks/seal)
// are private to the service account (0600 in a 0700 directory), never overwritten, synced to
// disk.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// ReadSecret returns the file's bytes, an error wrapping fs.ErrNotExist when it is missing, or an
// error saying how to fix its permissions when group or others could read it.
func ReadSecret(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%s is accessible to group or others (mode %04o); it must be 0600: run `chmod 600 %s` and start again",
			path, mode, path)
	}
	return os.ReadFile(path)
}

// IsMissing tells whether err from ReadSecret means the file does not exist yet.
func IsMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// WriteSecret writes data to a new file (never over an existing one) with mode 0600, creating
// its directory with 0700, and syncs file and directory, so a power loss right after the first
// start cannot lose a key that is already in use.
func WriteSecret(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
