package appliance

import (
	"slices"

	"github.com/spf13/pflag"
)

// IsServe tells whether the command line asks for the serve command.
func IsServe(args []string) bool {
	return slices.Contains(args, "serve")
}

// Preflight parses serve's flags from the raw command line and resolves them before
// PocketBase creates anything on disk.
func (c *Config) Preflight(args []string, dataDir string) error {
	fs := c.Flags()
	fs.ParseErrorsAllowlist = pflag.ParseErrorsAllowlist{UnknownFlags: true}
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.tls = servesTLS(args)
	return c.Resolve(dataDir)
}
