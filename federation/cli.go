package federation

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"alertbutton/hooks/appliance"
)

// Command is `alertbutton federation ...`, consulate IT's tools for the federation.
func Command(app core.App, cfg *appliance.Config) *cobra.Command {
	root := &cobra.Command{Use: "federation", Short: "Federation keys, peers and roster"}
	root.AddCommand(keysCommand(app, cfg), peerCommand(app, cfg), rosterCommand(app, cfg))
	noBootstrap(root)
	return root
}

// noBootstrap keeps execute from bootstrapping the app for c and the commands under it: the
// central office's tools open no data directory, and the others open it in prepareData, once
// it is known to be a consulate's, so that a refused command leaves nothing behind.
func noBootstrap(c *cobra.Command) {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[appliance.NoBootstrap] = "true"
	if c.HasSubCommands() && c.RunE == nil {
		c.RunE, c.SilenceUsage = unknownSubcommand, true
	}
	for _, sub := range c.Commands() {
		noBootstrap(sub)
	}
}

// unknownSubcommand runs a command that only groups others: alone it prints its help; with a
// word that is none of its commands it fails, where cobra would print the help and exit 0.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return cmd.Help()
}

// exactArgs is cobra.ExactArgs, saying so when a flag came after "--", where it is read as
// an argument.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		err := cobra.ExactArgs(n)(cmd, args)
		if err == nil || cmd.ArgsLenAtDash() < 0 {
			return err
		}
		for _, a := range args[cmd.ArgsLenAtDash():] {
			if strings.HasPrefix(a, "--") {
				return fmt.Errorf("%w: %s comes after --, so it is read as an argument, not a flag: give the flags before --", err, a)
			}
		}
		return err
	}
}

// PublicKeys is what IT hands to a peer consulate.
type PublicKeys struct {
	Code       string `json:"code"`
	URL        string `json:"url"`
	SigningKey string `json:"signingKey"`
	SealKey    string `json:"sealKey"`
}

func keysCommand(app core.App, cfg *appliance.Config) *cobra.Command {
	var publicURL string
	c := &cobra.Command{
		Use:          "keys",
		Short:        "Prints this consulate's public federation keys as JSON",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := prepareData(app, cfg); err != nil {
				return err
			}
			url, err := keysURL(app.DataDir(), publicURL)
			if err != nil {
				return err
			}
			out, _ := json.Marshal(PublicKeys{
				Code: cfg.Consulate.Code, URL: url,
				SigningKey: cfg.Keys().SigningKey(), SealKey: cfg.Keys().SealKey(),
			})
			fmt.Fprintln(cmd.OutOrStdout(), string(out))
			return nil
		},
	}
	c.Flags().StringVar(&publicURL, "url", "", "the address peers reach this appliance at (default: the --public-url serve last started with)")
	return c
}

// keysURL is the address peers are told: --url, or serve's --public-url saved with the data
// directory; never one that names this machine only, which no peer could reach.
func keysURL(dataDir, flag string) (string, error) {
	url := flag
	if url == "" {
		saved, err := appliance.DataDirPublicURL(dataDir)
		if err != nil {
			return "", err
		}
		url = saved
	}
	if url == "" {
		return "", fmt.Errorf("no public address is saved with %s: start `alertbutton serve --public-url https://alerta.consulado.example` "+
			"once (the address peers reach), or give it here with --url", dataDir)
	}
	if appliance.IsLocalURL(url) {
		return "", fmt.Errorf("%s names this machine only, no peer can reach it: give the address peers reach "+
			"with --url https://alerta.consulado.example, or start serve with --public-url", url)
	}
	return url, nil
}
