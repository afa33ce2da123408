package federation

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	c.AddCommand(rosterKeygenCommand(), rosterAddCommand(), rosterRemoveCommand(), rosterSignCommand(), rosterImportCommand(app, cfg))
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

func rosterAddCommand() *cobra.Command {
	var rosterPath string
	c := &cobra.Command{
		Use:   "add --roster ROSTER.json [KEYS.json]",
		Short: "Adds a consulate to an unsigned roster, or replaces its entry (central office)",
		Long: "Adds a consulate to an unsigned roster, or replaces its entry, with the JSON its\n" +
			"`alertbutton federation keys` printed, read from KEYS.json or, without it or with -, from stdin.\n" +
			"A changed roster gets the next version; sign it with `roster sign`. A missing roster file is made.",
		Args:         cobra.MaximumNArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := readKeys(cmd.InOrStdin(), args)
			if err != nil {
				return err
			}
			k, err := ParsePublicKeys(raw)
			if err != nil {
				return err
			}
			current, err := os.ReadFile(rosterPath)
			if errors.Is(err, fs.ErrNotExist) {
				current, err = nil, nil
			}
			if err != nil {
				return err
			}
			updated, said, err := AddToRoster(current, k, time.Now())
			if err != nil {
				return fmt.Errorf("%s: %w", rosterPath, err)
			}
			if current == nil || string(updated) != string(current) {
				if err := writeFileAtomic(rosterPath, updated); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", rosterPath, strings.Join(said, "; "))
			return nil
		},
	}
	c.Flags().StringVar(&rosterPath, "roster", "", "the unsigned roster file to change (made when missing)")
	c.MarkFlagRequired("roster")
	return c
}

func rosterRemoveCommand() *cobra.Command {
	var rosterPath string
	c := &cobra.Command{
		Use:          "remove --roster ROSTER.json CODE",
		Short:        "Takes a consulate out of an unsigned roster (central office); sign and distribute it to revoke it",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			current, err := readRoster(rosterPath)
			if err != nil {
				return err
			}
			updated, said, err := RemoveFromRoster(current, args[0])
			if err != nil {
				return fmt.Errorf("%s: %w", rosterPath, err)
			}
			if err := writeFileAtomic(rosterPath, updated); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", rosterPath, said)
			return nil
		},
	}
	c.Flags().StringVar(&rosterPath, "roster", "", "the unsigned roster file to change")
	c.MarkFlagRequired("roster")
	return c
}

// readKeys reads the keys JSON from the file named, or from in for none or "-".
func readKeys(in io.Reader, args []string) ([]byte, error) {
	if len(args) == 0 || args[0] == "-" {
		raw, err := io.ReadAll(io.LimitReader(in, protocol.MaxRosterSize))
		if err == nil && len(strings.TrimSpace(string(raw))) == 0 {
			err = errors.New("no keys on stdin: pipe in what `alertbutton federation keys` printed, or name its file")
		}
		return raw, err
	}
	return readRoster(args[0])
}

func rosterSignCommand() *cobra.Command {
	var rootKey, out string
	c := &cobra.Command{
		Use:          "sign --root-key FILE [--out SIGNED.json] ROSTER.json",
		Short:        "Signs a roster with the federation root key (central office)",
		Long:         "Signs a roster with the federation root key (central office): into --out, written only when signing succeeds, or to stdout.",
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
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if out == "" {
				fmt.Fprintln(cmd.OutOrStdout(), string(signed))
				return nil
			}
			if err := writeFileAtomic(out, append(signed, '\n')); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s signed into %s\n", args[0], out)
			return nil
		},
	}
	c.Flags().StringVar(&rootKey, "root-key", "", "the federation root private key (from roster keygen)")
	c.Flags().StringVar(&out, "out", "", "file to write the signed roster to (default: stdout)")
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
			printImport(cmd.OutOrStdout(), res)
			return nil
		},
	}
	c.Flags().StringVar(&rootPub, "root-public-key", "", "the federation root public key, base64url (default: $"+RootEnv+")")
	return c
}

func printImport(out io.Writer, res *ImportResult) {
	for _, w := range res.Warnings {
		fmt.Fprintln(out, "warning:", w)
	}
	fmt.Fprintf(out, "roster version %d imported: %d peers trusted (%s)\n", res.Version, len(res.Trusted), strings.Join(res.Trusted, ", "))
	if len(res.Dropped) > 0 {
		fmt.Fprintf(out, "no longer trusted: %s\n", strings.Join(res.Dropped, ", "))
	}
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
