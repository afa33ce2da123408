package service

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"alertbutton/hooks/appliance"
)

// Standalone runs install and uninstall without PocketBase, which would otherwise create a
// data directory where the command runs. It reports whether args asked for one, and the
// exit code.
func Standalone(args []string) (int, bool) {
	if len(args) == 0 || (args[0] != "install" && args[0] != "uninstall") {
		return 0, false
	}
	c := InstallCommand()
	if args[0] == "uninstall" {
		c = UninstallCommand()
	}
	c.SetArgs(args[1:])
	if err := c.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		return 1, true
	}
	return 0, true
}

// InstallCommand is `alertbutton install`.
func InstallCommand() *cobra.Command {
	o := Options{}
	c := &cobra.Command{
		Use:           "install --consulate CODE --public-url URL",
		Short:         "Installs the appliance as a hardened systemd service (its unit, its data directory and its secret)",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Install(cmd.OutOrStdout(), o)
		},
	}
	exe, _ := os.Executable()
	f := c.Flags()
	f.StringVar(&o.Consulate, "consulate", "", "this appliance's consulate code, e.g. los-angeles")
	f.StringVar(&o.PublicURL, "public-url", "", "the https address people reach the appliance at, e.g. https://alerta.consulado.example.org")
	f.StringVar(&o.Root, "root", "/", "the file system root to install into (a throwaway directory for a trial)")
	f.StringVar(&o.User, "user", "alertbutton", "the system user the service runs as")
	f.StringVar(&o.DataDir, "data-dir", "/var/lib/alertbutton", "the data directory (PocketBase's --dir)")
	f.StringVar(&o.Binary, "binary", exe, "the path of the alertbutton binary the service runs")
	f.StringVar(&o.HTTP, "http", "", "behind a reverse proxy that terminates TLS: the address to listen on, e.g. 127.0.0.1:8090 (default: PocketBase's own TLS on :443 and :80)")
	f.StringVar(&o.TrustedProxy, "trusted-proxy", "", "with --http: the proxy's IPs or CIDRs, whose X-Forwarded-For is believed")
	return c
}

// UninstallCommand is `alertbutton uninstall`.
func UninstallCommand() *cobra.Command {
	var root string
	c := &cobra.Command{
		Use:           "uninstall",
		Short:         "Removes the systemd unit; the data directory and the secret stay",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Uninstall(cmd.OutOrStdout(), root)
		},
	}
	c.Flags().StringVar(&root, "root", "/", "the file system root the service was installed into")
	return c
}

// Install writes the unit, the secret (made once, never replaced) and the data directory
// (0700), and prints what IT must still do.
func Install(out io.Writer, o Options) error {
	host, err := o.check()
	if err != nil {
		return err
	}
	at := func(p string) string { return filepath.Join(o.Root, p) }
	if err := os.MkdirAll(at(SecretDir), 0o700); err != nil {
		return fmt.Errorf("make %s: %w (install as root, or give --root)", at(SecretDir), err)
	}
	madeSecret, err := writeSecret(at(SecretPath))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(at(o.DataDir), 0o700); err != nil {
		return fmt.Errorf("make the data directory %s: %w", at(o.DataDir), err)
	}
	if err := os.Chmod(at(o.DataDir), 0o700); err != nil {
		return err
	}
	owned, err := ownDataDir(o, at(o.DataDir))
	if err != nil {
		return err
	}
	_, statErr := os.Stat(at(RecipientsPath))
	recipients := statErr == nil
	if err := os.MkdirAll(filepath.Dir(at(UnitPath)), 0o755); err != nil {
		return err
	}
	if err := writeFile(at(UnitPath), []byte(Unit(o, host, recipients)), 0o644); err != nil {
		return err
	}
	printSteps(out, o, host, madeSecret, owned, recipients)
	return nil
}

// Uninstall removes the unit only: the data and the secret that opens it stay.
func Uninstall(out io.Writer, root string) error {
	path := filepath.Join(root, UnitPath)
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no unit at %s: nothing to uninstall (was it installed with another --root?)", path)
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	fmt.Fprintf(out, "Removed %s.\n", path)
	fmt.Fprintln(out, "Kept: the data directory and "+SecretPath+" (without the secret the data cannot be opened).")
	fmt.Fprintln(out, "Now run: systemctl daemon-reload (and, if it still runs, systemctl stop alertbutton).")
	return nil
}

// writeSecret makes the 32-character secret once; an existing one is kept, since the data
// sealed with it needs it.
func writeSecret(path string) (bool, error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	}
	raw := make([]byte, 16)
	rand.Read(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, fmt.Errorf("write the secret %s: %w", path, err)
	}
	if _, err := f.WriteString(hex.EncodeToString(raw) + "\n"); err != nil {
		f.Close()
		return false, err
	}
	return true, f.Close()
}

func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".partial"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// ownDataDir gives the data directory to the service's user when installing into this
// machine as root and the user exists; it reports whether it did.
func ownDataDir(o Options, dir string) (bool, error) {
	if filepath.Clean(o.Root) != "/" || os.Geteuid() != 0 {
		return false, nil
	}
	u, err := user.Lookup(o.User)
	if err != nil {
		return false, nil
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return true, os.Chown(dir, uid, gid)
}

func printSteps(out io.Writer, o Options, host string, madeSecret, owned, recipients bool) {
	at := func(p string) string { return filepath.Join(o.Root, p) }
	p := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	p("Wrote %s", at(UnitPath))
	if madeSecret {
		p("Made the secret %s (mode 0600): copy it now to where IT keeps secrets, apart from the backups; without it the data cannot be opened.", at(SecretPath))
	} else {
		p("Kept the existing secret %s.", at(SecretPath))
	}
	p("Data directory %s (mode 0700).", at(o.DataDir))
	p("")
	p("What IT must still do:")
	n := 0
	step := func(format string, a ...any) { n++; p("%d. "+format, append([]any{n}, a...)...) }
	if !owned {
		step("Make the service's user and give it the data directory:\n   useradd --system --home-dir %s --shell /usr/sbin/nologin %s && chown -R %s: %s", o.DataDir, o.User, o.User, o.DataDir)
	}
	step("DNS: point %s (A/AAAA record) at this machine's public address.", host)
	if o.HTTP == "" {
		step("TLS: PocketBase gets and renews the certificate for %s from Let's Encrypt by itself: open ports 80 and 443 to the Internet.", host)
	} else {
		step("TLS: the reverse proxy serves https://%s with its certificate and forwards to http://%s, setting X-Forwarded-For; its address must be in --trusted-proxy (now %q).", host, o.HTTP, o.TrustedProxy)
	}
	if !recipients {
		step("Backups: put IT's age recipients (age1..., one per line) in %s and run install again, so that backups are encrypted to them.", at(RecipientsPath))
	}
	step("Start it now and at every boot:\n   systemctl daemon-reload && systemctl enable --now alertbutton")
	step("Make the first IT account:\n   sudo -u %s env %s=\"$(cat %s)\" %s superuser upsert EMAIL PASSWORD --dir %s --encryptionEnv %s",
		o.User, appliance.SecretEnv, SecretPath, o.Binary, o.DataDir, appliance.SecretEnv)
	step("Watch it: GET https://%s/api/alertbutton/ready (load balancer, monitor) and /api/alertbutton/metrics (Prometheus, with IT's account or a token put in /etc/alertbutton/metrics-token and added as LoadCredential=metrics-token:/etc/alertbutton/metrics-token in a drop-in: systemctl edit alertbutton).", host)
	p("%s", strings.Repeat("-", 3))
}
