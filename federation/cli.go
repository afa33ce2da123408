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
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cfg.Resolve(app.DataDir()); err != nil {
				return err
			}
			url := publicURL
			if url == "" {
				url = app.Settings().Meta.AppURL
			}
			out, _ := json.Marshal(PublicKeys{
				Code: cfg.Consulate.Code, URL: url,
				SigningKey: cfg.Keys().SigningKey(), SealKey: cfg.Keys().SealKey(),
			})
			fmt.Fprintln(cmd.OutOrStdout(), string(out))
			return nil
		},
	}
	c.Flags().StringVar(&publicURL, "url", "", "the address peers reach this appliance at (default: the app URL in settings)")
	return c
}
