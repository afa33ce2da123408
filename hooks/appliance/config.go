// Package appliance holds what makes one binary the appliance of one consulate:
// its configuration and command-line flags, the data directory's identity and the database.
package appliance

import (
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"filippo.io/age"
	"github.com/spf13/pflag"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/keys"
	"alertbutton/hooks/backup"
	"alertbutton/hooks/push"
	"alertbutton/hooks/replicate"
	"alertbutton/hooks/seal"
)

// Version is the appliance's version, reported by /api/alertbutton/info.
var Version = "0.1.0"

// Config is what the appliance was started with, complete in two explicit stages: Resolve
// fills the fields from the flags and the data directory before PocketBase bootstraps (serve's
// PublicURL on loopback excepted: see checkPublicURL); LoadSecrets loads the keys at bootstrap,
// before any hook runs. Keys and Sealer panic when read before LoadSecrets, so that code
// reading them too early fails at start instead of running without them.
type Config struct {
	Consulate jurisdiction.Consulate
	// PublicURL starts every link the appliance builds: --public-url, or, serving on loopback
	// without it, that loopback address (set when serve starts; see checkPublicURL).
	PublicURL string
	PushHosts push.HostList

	// BackupRecipients are IT's age recipients, to whom every backup is encrypted
	// (--backup-recipients FILE and $ALERTBUTTON_BACKUP_RECIPIENTS); none refuses backups.
	BackupRecipients []age.Recipient

	// Replicate is where serve replicates data.db continuously (--replicate URL); "" is nowhere.
	Replicate string

	// SMS is the SMS provider (Twilio's Messages API or a compatible one); unset, no SMS is sent.
	SMS SMS

	// Roster is where the signed roster is fetched from (--roster-url); unset, it is imported by hand.
	Roster RosterSource
	// Ops is the scrape token, the ready check's disk floor and the trusted proxies.
	Ops Ops

	// Loaded at bootstrap from the data directory (or the environment): see LoadSecrets.
	keys   *keys.Keys
	sealer *seal.Sealer
	// keyFileWarning is what LoadSecrets found to warn about (no --encryptionEnv); serve says it.
	keyFileWarning string

	// Raw flag values; the fields above are resolved from them.
	code             string
	publicURL        string
	pushHosts        string
	backupRecipients string
	replicate        string
	sms              SMS  // --sms-* flags; the token comes from the environment only
	tls              bool // serve was asked for HTTPS (--https)
}

// Flags are serve's own flags, parsed both before PocketBase bootstraps (so that a wrong
// code writes nothing) and by the serve command itself (so that --help lists them).
func (c *Config) Flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("alertbutton", pflag.ContinueOnError)
	fs.StringVar(&c.code, "consulate", "", "this appliance's consulate code, e.g. los-angeles (required on first start)")
	fs.StringVar(&c.publicURL, "public-url", "", "the https address people and peers reach this appliance at")
	fs.StringVar(&c.pushHosts, "push-hosts", "", "comma separated push-service hosts to allow (default: the browser vendors' push services)")
	fs.StringVar(&c.backupRecipients, "backup-recipients", "", "file of IT's age recipients (age1..., one per line) that backups are encrypted to; also read from $"+backup.RecipientsEnv)
	fs.StringVar(&c.replicate, "replicate", "", "replicate data.db continuously with Litestream to s3://bucket/path?endpoint=...&region=..., file:///path or sftp://user@host/path?key=FILE&host-key=FILE (S3 keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	c.smsFlags(fs)
	c.Roster.flags(fs)
	c.opsFlags(fs)
	return fs
}

// Resolve checks the flags against the data directory and fills the config.
// It writes nothing.
func (c *Config) Resolve(dataDir string) error {
	owner, err := DataDirConsulate(dataDir)
	if err != nil {
		return err
	}
	code := strings.TrimSpace(c.code)
	switch {
	case code == "" && owner == "":
		return fmt.Errorf("--consulate is required on first start: one of %s", knownCodes())
	case code == "":
		code = owner
	case owner != "" && owner != code:
		return fmt.Errorf("the data directory %s belongs to the consulate %q, not %q: start with --consulate %s, or use --dir to point at this consulate's own data directory", dataDir, owner, code, owner)
	}
	consulate, ok := jurisdiction.ConsulateByCode(code)
	if !ok {
		return fmt.Errorf("unknown consulate code %q: use one of %s", code, knownCodes())
	}
	c.Consulate = consulate
	if err := c.resolvePublicURL(); err != nil {
		return err
	}
	rs, err := backup.LoadRecipients(c.backupRecipients, os.Getenv(backup.RecipientsEnv))
	if err != nil {
		return err
	}
	c.BackupRecipients = rs
	if err := c.resolveReplicate(); err != nil {
		return err
	}
	if err := c.resolveSMS(os.Getenv(SMSTokenEnv)); err != nil {
		return err
	}
	if err := c.Roster.resolve(); err != nil {
		return err
	}
	if err := c.resolveOps(os.Getenv(MetricsTokenEnv)); err != nil {
		return err
	}
	return c.resolvePushHosts()
}

func (c *Config) resolvePublicURL() error {
	if c.publicURL == "" {
		return nil
	}
	u, err := url.Parse(c.publicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("--public-url %q is not an address like https://consulado.example.org", c.publicURL)
	}
	c.PublicURL = strings.TrimRight(u.String(), "/")
	return nil
}

// resolveReplicate checks --replicate and, when it is set, leaves checkpoints to
// Litestream (see DBConnect and hooks/replicate/checkpoints.go).
func (c *Config) resolveReplicate() error {
	if c.replicate == "" {
		return nil
	}
	if _, err := replicate.Client(c.replicate); err != nil {
		return err
	}
	c.Replicate = c.replicate
	LeaveWALToLitestream()
	return nil
}

// ReplicaURL is --replicate, for hooks/replicate.
func (c *Config) ReplicaURL() string { return c.Replicate }

func (c *Config) resolvePushHosts() error {
	if c.pushHosts == "" {
		c.PushHosts = push.DefaultHosts
		return nil
	}
	hosts, err := push.ParseHosts(c.pushHosts)
	if err != nil {
		return fmt.Errorf("--push-hosts: %w", err)
	}
	c.PushHosts = hosts
	return nil
}

func knownCodes() string {
	var codes []string
	for _, c := range jurisdiction.Consulates() {
		codes = append(codes, c.Code)
	}
	sort.Strings(codes)
	return strings.Join(codes, ", ")
}
