package federation

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/appliance"
)

func rosterCommand(app core.App, cfg *appliance.Config) *cobra.Command {
	c := &cobra.Command{Use: "roster", Short: "The roster of consulates signed by the federation root key"}
	c.AddCommand(rosterKeygenCommand(), rosterSignCommand(), rosterImportCommand(app, cfg))
	return c
}

func rosterKeygenCommand() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:          "keygen --out FILE",
		Short:        "Makes a federation root key pair (central office); prints the public key",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			pub, err := NewRootKey(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), pub)
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "file to write the private key to (PEM, 0600); keep it offline")
	c.MarkFlagRequired("out")
	return c
}

func rosterSignCommand() *cobra.Command {
	var rootKey string
	c := &cobra.Command{
		Use:          "sign --root-key FILE ROSTER.json",
		Short:        "Signs a roster with the federation root key (central office); prints it",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			priv, err := ReadRootKey(rootKey)
			if err != nil {
				return err
			}
			raw, err := readRoster(args[0])
			if err != nil {
				return err
			}
			signed, err := SignRosterFile(raw, priv, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(signed))
			return nil
		},
	}
	c.Flags().StringVar(&rootKey, "root-key", "", "the federation root private key (from roster keygen)")
	c.MarkFlagRequired("root-key")
	return c
}

func rosterImportCommand(app core.App, cfg *appliance.Config) *cobra.Command {
	var rootPub string
	c := &cobra.Command{
		Use:          "import FILE",
		Short:        "Imports a signed roster newer than the one held",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := RootPublicKey(rootPub)
			if err != nil {
				return err
			}
			raw, err := readRoster(args[0])
			if err != nil {
				return err
			}
			if err := prepareData(app, cfg); err != nil {
				return err
			}
			res, err := ImportRoster(app, cfg.Consulate.Code, raw, root, time.Now())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, w := range res.Warnings {
				fmt.Fprintln(out, "warning:", w)
			}
			fmt.Fprintf(out, "roster version %d imported: %d peers trusted (%s)\n", res.Version, len(res.Trusted), strings.Join(res.Trusted, ", "))
			if len(res.Dropped) > 0 {
				fmt.Fprintf(out, "no longer trusted: %s\n", strings.Join(res.Dropped, ", "))
			}
			return nil
		},
	}
	c.Flags().StringVar(&rootPub, "root-public-key", "", "the federation root public key, base64url (default: $"+RootEnv+")")
	return c
}

func readRoster(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) > protocol.MaxRosterSize {
		return nil, fmt.Errorf("%s is %d bytes, more than a roster's %d", path, len(raw), protocol.MaxRosterSize)
	}
	return raw, nil
}
