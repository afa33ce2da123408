package appliance

import (
	"errors"
	"slices"

	"github.com/spf13/pflag"
)

// NoBootstrap is the annotation of a command that execute must not bootstrap the app for:
// one that opens no data directory (the central office's tools), or one that opens it itself
// once its own checks pass, so that a refused command leaves nothing on disk.
const NoBootstrap = "alertbutton:no-bootstrap"

// IsServe tells whether the command line asks for the serve command; what follows "--" is
// arguments, never the command.
func IsServe(args []string) bool {
	return slices.Contains(BeforeDashes(args), "serve")
}

// BeforeDashes is the part of a command line that may hold flags: everything before "--".
func BeforeDashes(args []string) []string {
	if i := slices.Index(args, "--"); i >= 0 {
		return args[:i]
	}
	return args
}

// Preflight parses serve's flags from the raw command line and resolves them before
// PocketBase creates anything on disk. Asked for --help, it leaves the help to cobra.
func (c *Config) Preflight(args []string, dataDir string) error {
	fs := c.Flags()
	fs.ParseErrorsAllowlist = pflag.ParseErrorsAllowlist{UnknownFlags: true}
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	c.tls = servesTLS(args)
	return c.Resolve(dataDir)
}
