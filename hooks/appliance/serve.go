package appliance

import (
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// ServeCommand is PocketBase's serve with the appliance's flags.
func ServeCommand(app core.App, cfg *Config) *cobra.Command {
	serve := cmd.NewServeCommand(app, true)
	serve.Short = "Starts this consulate's appliance (serve --consulate CODE)"
	serve.Flags().AddFlagSet(cfg.Flags())
	return serve
}
