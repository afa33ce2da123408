// Package service installs the appliance as a hardened systemd service (alertbutton
// install) and removes it (alertbutton uninstall), never touching the data.
package service

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/appliance"
)

// Where install writes, under --root.
const (
	UnitPath   = "/etc/systemd/system/alertbutton.service"
	SecretDir  = "/etc/alertbutton"
	SecretPath = SecretDir + "/secret"
	// RecipientsPath is where IT puts its backup recipients (age1..., one per line).
	RecipientsPath = SecretDir + "/backup-recipients"
)

// Options are install's flags.
type Options struct {
	Consulate    string
	PublicURL    string
	Root         string
	User         string
	DataDir      string
	Binary       string
	HTTP         string // behind a proxy: the address serve listens on; empty: PocketBase's own TLS
	TrustedProxy string
}

// plainArg is what a path or value may hold in ExecStart without quoting.
var plainArg = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// check refuses what would make a unit that does not start.
func (o *Options) check() (host string, err error) {
	if _, ok := jurisdiction.ConsulateByCode(o.Consulate); !ok {
		return "", fmt.Errorf("unknown consulate code %q: give --consulate with this consulate's code (see `alertbutton serve --help`)", o.Consulate)
	}
	u, err := url.Parse(o.PublicURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.Path != "" && u.Path != "/" {
		return "", fmt.Errorf("--public-url %q is not an address like https://alerta.consulado.example.org", o.PublicURL)
	}
	if !plainArg.MatchString(o.User) || strings.HasPrefix(o.User, "-") {
		return "", fmt.Errorf("--user %q is not a plain user name", o.User)
	}
	for name, v := range map[string]string{"--data-dir": o.DataDir, "--binary": o.Binary} {
		if !strings.HasPrefix(v, "/") || !plainArg.MatchString(v) {
			return "", fmt.Errorf("%s %q must be an absolute path without spaces or quotes", name, v)
		}
	}
	if o.HTTP == "" && o.TrustedProxy != "" {
		return "", fmt.Errorf("--trusted-proxy needs --http ADDR: it is for a reverse proxy in front, which PocketBase's own TLS does without")
	}
	if o.HTTP != "" && !plainArg.MatchString(o.HTTP) {
		return "", fmt.Errorf("--http %q is not an address like 127.0.0.1:8090", o.HTTP)
	}
	if _, err := appliance.ParseProxies(o.TrustedProxy); err != nil {
		return "", err
	}
	return u.Hostname(), nil
}

// serveArgs is the serve command the unit runs.
func (o *Options) serveArgs(host string, recipients bool) []string {
	args := []string{o.Binary, "serve"}
	if o.HTTP == "" {
		args = append(args, host) // PocketBase's own TLS: Let's Encrypt for host, on :80 and :443
	} else {
		args = append(args, "--http", o.HTTP)
	}
	args = append(args, "--dir", o.DataDir, "--consulate", o.Consulate, "--public-url", strings.TrimRight(o.PublicURL, "/"),
		"--encryptionEnv", appliance.SecretEnv)
	if o.TrustedProxy != "" {
		args = append(args, "--trusted-proxy", strings.ReplaceAll(o.TrustedProxy, " ", ""))
	}
	if recipients {
		args = append(args, "--backup-recipients", RecipientsPath)
	}
	return args
}

// Unit is the systemd unit of the appliance: its own user, the file system read-only but for
// the data directory, the secret handed over as a credential (never in Environment=, which
// `systemctl show` prints to anyone), restarted when it fails.
func Unit(o Options, host string, recipients bool) string {
	name, _ := jurisdiction.ConsulateByCode(o.Consulate)
	caps := ""
	if o.HTTP == "" {
		caps = "CAP_NET_BIND_SERVICE"
	}
	lines := []string{
		"# Written by `alertbutton install`; `alertbutton uninstall` removes it (never the data).",
		"[Unit]",
		"Description=Botón de alerta — " + name.Name + " (alertbutton)",
		"After=network-online.target",
		"Wants=network-online.target",
		"",
		"[Service]",
		"Type=simple",
		"User=" + o.User,
		"Group=" + o.User,
		"ExecStart=" + strings.Join(o.serveArgs(host, recipients), " "),
		"LoadCredential=secret:" + SecretPath,
		"Restart=on-failure",
		"RestartSec=5s",
		"TimeoutStopSec=30s",
		"UMask=0077",
		"LimitNOFILE=65536",
		"NoNewPrivileges=yes",
		"ProtectSystem=strict",
		"ReadWritePaths=" + o.DataDir,
		"ProtectHome=yes",
		"PrivateTmp=yes",
		"PrivateDevices=yes",
		"ProtectKernelTunables=yes",
		"ProtectKernelModules=yes",
		"ProtectKernelLogs=yes",
		"ProtectControlGroups=yes",
		"ProtectClock=yes",
		"ProtectHostname=yes",
		"RestrictSUIDSGID=yes",
		"RestrictRealtime=yes",
		"RestrictNamespaces=yes",
		"LockPersonality=yes",
		"MemoryDenyWriteExecute=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
		"SystemCallArchitectures=native",
		"CapabilityBoundingSet=" + caps,
		"AmbientCapabilities=" + caps,
		"",
		"[Install]",
		"WantedBy=multi-user.target",
		"",
	}
	return strings.Join(lines, "\n")
}
