package federation

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"alertbutton/hooks/appliance"
)

// Command is `alertbutton federation ...`, consulate IT's tools for the federation.
func Command(app core.App, cfg *appliance.Config) *cobra.Command {
	root := &cobra.Command{Use: "federation", Short: "Federation keys, peers and roster"}
	root.AddCommand(keysCommand(app, cfg), peerCommand(app, cfg), rosterCommand(app, cfg))
	return root
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
