package backup

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command is `alertbutton backup create|restore`. create reads the data directory of app
// (PocketBase's --dir), even while it is being served; restore needs no app.
func Command(app core.App) *cobra.Command {
	root := &cobra.Command{Use: "backup", Short: "Encrypted backups: create one, or restore one into a new directory"}
	root.AddCommand(createCommand(app), restoreCommand())
	return root
}

// Standalone runs `backup restore` without PocketBase, which would otherwise create and
// migrate a data directory that a restore has no use for. It reports whether args asked for
// it, and the exit code.
func Standalone(args []string) (int, bool) {
	if len(args) < 2 || args[0] != "backup" || args[1] != "restore" {
		return 0, false
	}
	c := restoreCommand()
	c.SetArgs(args[2:])
	if err := c.Execute(); err != nil {
		return 1, true
	}
	return 0, true
}

func createCommand(app core.App) *cobra.Command {
	var to, recipientsFile string
	c := &cobra.Command{
		Use:          "create --to FILE",
		Short:        "Writes an age-encrypted backup of the data directory to FILE (safe while serving)",
		SilenceUsage: true,
		Args:         cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return fmt.Errorf("--to FILE is required")
			}
			rs, err := LoadRecipients(recipientsFile, os.Getenv(RecipientsEnv))
			if err != nil {
				return err
			}
			if len(rs) == 0 {
				return ErrNoRecipients
			}
			if err := CheckSecret(app); err != nil {
				return err
			}
			tmp := to + ".partial"
			f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			err = Write(app, f, rs, Exclude)
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(tmp, to)
			}
			if err != nil {
				os.Remove(tmp)
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup written to %s, encrypted to %d recipient(s)\n", to, len(rs))
			return nil
		},
	}
	c.Flags().StringVar(&to, "to", "", "where to write the encrypted backup")
	c.Flags().StringVar(&recipientsFile, "backup-recipients", "", "file of age recipients (age1..., one per line); also read from $"+RecipientsEnv)
	return c
}

func restoreCommand() *cobra.Command {
	var from, identity, dir string
	c := &cobra.Command{
		Use:          "restore --from FILE --identity KEYFILE --dir NEWDIR",
		Short:        "Decrypts a backup with IT's age identity and unpacks it into a new data directory",
		SilenceUsage: true,
		Args:         cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || identity == "" || dir == "" {
				return fmt.Errorf("--from, --identity and --dir are all required")
			}
			ids, err := LoadIdentities(identity)
			if err != nil {
				return err
			}
			n, err := Restore(from, ids, dir)
			if err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			fmt.Fprintf(cmd.OutOrStdout(), "restored %d files into %s; start it with: alertbutton serve --dir %s\n", n, abs, abs)
			return nil
		},
	}
	c.Flags().StringVar(&from, "from", "", "the encrypted backup")
	c.Flags().StringVar(&identity, "identity", "", "IT's age identity file (AGE-SECRET-KEY-1...)")
	c.Flags().StringVar(&dir, "dir", "", "a new, empty directory to restore into")
	return c
}
