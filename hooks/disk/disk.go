// Package disk tells how much room is left for the data directory.
package disk

import "syscall"

// FreeFunc returns the bytes an unprivileged process may still write under path.
type FreeFunc func(path string) (uint64, error)

// Free is FreeFunc from the file system (statfs): the blocks left to non-root users.
func Free(path string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}
