package replicate

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"alertbutton/hooks/backup"
)

// Standalone runs `restore` without PocketBase, which would otherwise create and migrate a
// data directory that a restore has no use for. It reports whether args asked for it, and
// the exit code.
func Standalone(args []string) (int, bool) {
	if len(args) < 1 || args[0] != "restore" {
		return 0, false
	}
	c := RestoreCommand()
	c.SetArgs(args[1:])
	if err := c.Execute(); err != nil {
		return 1, true
	}
	return 0, true
}

// RestoreCommand is `alertbutton restore --from URL --dir NEWDIR --keys-from BACKUP
// --identity KEYFILE [--timestamp T]`.
func RestoreCommand() *cobra.Command {
	var from, dir, timestamp, keysFrom, identity string
	c := &cobra.Command{
		Use:   "restore --from URL --dir NEWDIR --keys-from BACKUP --identity KEYFILE [--timestamp T]",
		Short: "Restores data.db from a replica (serve --replicate) into a new data directory, with the keys from a backup",
		Long: "Restores data.db from the replica that serve --replicate URL writes, as it was at --timestamp\n" +
			"(RFC 3339, e.g. 2026-01-31T03:00:00Z; default: the latest), into the new directory --dir.\n" +
			"A replica holds data.db only: the keys (push, federation, sealing), alertbutton.json and the\n" +
			"uploaded files come from an encrypted backup (backup create), opened with IT's age identity.\n" +
			"S3 keys are read from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
		SilenceUsage: true,
		Args:         cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || dir == "" {
				return fmt.Errorf("--from URL and --dir NEWDIR are required")
			}
			if keysFrom == "" || identity == "" {
				return fmt.Errorf("--keys-from BACKUP and --identity KEYFILE are required: a replica holds data.db but not the " +
					"keys without which every push subscription and peer breaks; any backup made with `backup create` since " +
					"the appliance's first start holds them")
			}
			opt := RestoreOptions{From: from, Dir: dir, KeysFrom: keysFrom}
			if timestamp != "" {
				at, err := time.Parse(time.RFC3339, timestamp)
				if err != nil {
					return fmt.Errorf("--timestamp %q is not a time like 2026-01-31T03:00:00Z", timestamp)
				}
				opt.At = at
			}
			ids, err := backup.LoadIdentities(identity)
			if err != nil {
				return err
			}
			opt.Identities = ids
			at, err := Restore(context.Background(), opt)
			if err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			fmt.Fprintf(cmd.OutOrStdout(), "restored data.db as of %s into %s, with the keys from %s;\n"+
				"start it with: alertbutton serve --dir %s --encryptionEnv NAME (the same secret as before) --replicate URL\n",
				at.UTC().Format(time.RFC3339), abs, keysFrom, abs)
			return nil
		},
	}
	c.Flags().StringVar(&from, "from", "", "the replica's URL, as given to serve --replicate")
	c.Flags().StringVar(&dir, "dir", "", "a new, empty directory to restore into")
	c.Flags().StringVar(&timestamp, "timestamp", "", "restore data.db as it was at this time (RFC 3339); default: the latest")
	c.Flags().StringVar(&keysFrom, "keys-from", "", "an encrypted backup (backup create) holding the keys")
	c.Flags().StringVar(&identity, "identity", "", "IT's age identity file (AGE-SECRET-KEY-1...) that opens the backup")
	return c
}
