package federation

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"alertbutton/hooks/appliance"
)

func peerCommand(app core.App, cfg *appliance.Config) *cobra.Command {
	c := &cobra.Command{Use: "peer", Short: "Peers trusted directly, without a roster (labs, tests)"}
	c.AddCommand(&cobra.Command{
		Use:   "add [flags] -- CODE URL SIGNING_KEY SEAL_KEY",
		Short: "Trusts a peer consulate directly, with the keys its `federation keys` printed",
		Long: "Trusts a peer consulate directly, with the keys its `federation keys` printed.\n" +
			"A key may begin with '-', which would read as a flag: give the flags first, then --, then the arguments.",
		Args:         exactArgs(4),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := prepareData(app, cfg); err != nil {
				return err
			}
			if err := AddPeer(app, cfg.Consulate.Code, args[0], args[1], args[2], args[3], time.Now()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is trusted directly, at %s\n", args[0], args[1])
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:          "remove CODE",
		Short:        "Stops trusting a peer; what is queued for it waits",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := prepareData(app, cfg); err != nil {
				return err
			}
			if err := RemovePeer(app, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is no longer trusted\n", args[0])
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:          "list",
		Short:        "Lists the trusted peers",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := prepareData(app, cfg); err != nil {
				return err
			}
			peers, err := Peers(app)
			if err != nil {
				return err
			}
			if len(peers) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no peers yet: add one with `alertbutton federation peer add`, or import a roster with `alertbutton federation roster import`")
				return nil
			}
			for _, p := range peers {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\t%s\n", p.Code, p.Trust, p.URL, p.SigningKey)
			}
			return nil
		},
	})
	return c
}

// prepareData resolves this appliance's consulate, then opens its data directory (the
// federation's commands are not bootstrapped before they run: see noBootstrap) and applies
// the migrations, so that IT can set up trust before the first serve.
func prepareData(app core.App, cfg *appliance.Config) error {
	owner, err := appliance.DataDirConsulate(app.DataDir())
	if err != nil {
		return err
	}
	if owner == "" {
		return fmt.Errorf("%s belongs to no consulate yet: start `alertbutton serve --consulate CODE --dir %s` once first", app.DataDir(), app.DataDir())
	}
	if err := cfg.Resolve(app.DataDir()); err != nil {
		return err
	}
	if !app.IsBootstrapped() {
		if err := app.Bootstrap(); err != nil {
			return err
		}
	}
	return app.RunAllMigrations()
}
