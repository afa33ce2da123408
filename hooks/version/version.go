// Package version is `alertbutton version`: the binary's version and commit, and the schema's
// migration level, of the binary and of a data directory.
package version

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
	_ "modernc.org/sqlite"

	"alertbutton/hooks/appliance"
)

// Commit is the commit the binary was built from when the build had no VCS information
// (go build -ldflags "-X alertbutton/hooks/version.Commit=...").
var Commit = ""

// Standalone runs `version` without PocketBase, which would otherwise create, migrate and
// so change the data directory it is asked about. It reports whether args asked for it, and
// the exit code.
func Standalone(args []string) (int, bool) {
	if len(args) == 0 || args[0] != "version" {
		return 0, false
	}
	c := Command()
	c.SetArgs(args[1:])
	if err := c.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		return 1, true
	}
	return 0, true
}

// Command is `alertbutton version [--dir DIR]`.
func Command() *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:           "version",
		Short:         "Prints the version, the commit and the schema's migration level (of the binary and of --dir)",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Print(cmd.OutOrStdout(), dir)
		},
	}
	c.Flags().StringVar(&dir, "dir", defaultDir(), "the data directory")
	return c
}

// defaultDir is PocketBase's: pb_data next to the binary.
func defaultDir() string {
	exe, err := os.Executable()
	if err != nil {
		return "pb_data"
	}
	return filepath.Join(filepath.Dir(exe), "pb_data")
}

// Print writes the version, the commit, and the schema levels of the binary and of dir.
func Print(out io.Writer, dir string) error {
	fmt.Fprintf(out, "alertbutton %s\n", appliance.Version)
	fmt.Fprintf(out, "commit %s\n", commit())
	fmt.Fprintf(out, "go %s\n", runtime.Version())
	known, system := Known(), files(core.SystemMigrations)
	fmt.Fprintf(out, "schema (this binary): %s (PocketBase's own: %s)\n", last(known), last(system))
	applied, err := Applied(dir)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(out, "schema (%s): no data directory yet; the first start makes it\n", dir)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the migrations of %s: %w", dir, err)
	}
	pending := 0
	for _, f := range append(known, system...) {
		if !slices.Contains(applied, f) {
			pending++
		}
	}
	var appApplied []string
	for _, f := range applied {
		if !slices.Contains(system, f) {
			appApplied = append(appApplied, f)
		}
	}
	state := "up to date"
	if pending > 0 {
		state = fmt.Sprintf("%d to apply at the next start", pending)
	}
	fmt.Fprintf(out, "schema (%s): %s (%s)\n", dir, last(appApplied), state)
	for _, f := range appApplied {
		if !slices.Contains(known, f) {
			fmt.Fprintf(out, "warning: %s has the migration %s, which this binary does not know: it is older than the data; run the newest release\n", dir, f)
		}
	}
	return nil
}

// commit is the VCS revision the binary was built from.
func commit() string {
	if Commit != "" {
		return Commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (with uncommitted changes)"
			}
		}
	}
	if rev == "" {
		return "unknown (built without VCS information)"
	}
	return rev + modified
}

// Known are the appliance's migrations this binary applies, in order.
func Known() []string {
	return files(core.AppMigrations)
}

func files(list core.MigrationsList) []string {
	var out []string
	for _, m := range list.Items() {
		out = append(out, m.File)
	}
	slices.Sort(out)
	return out
}

// Applied are the migrations applied to the data directory dir, in order, read without
// writing anything; fs.ErrNotExist when it has no database.
func Applied(dir string) ([]string, error) {
	path := filepath.Join(dir, "data.db")
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query("SELECT file FROM _migrations ORDER BY file")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var files []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, rows.Err()
}

func last(files []string) string {
	if len(files) == 0 {
		return "none"
	}
	return files[len(files)-1]
}
