package appliance

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/spf13/pflag"
)

// MetricsTokenEnv names the environment variable holding the scrape token of
// GET /api/alertbutton/metrics: a Prometheus server sends it as "Authorization: Bearer TOKEN".
const MetricsTokenEnv = "ALERTBUTTON_METRICS_TOKEN"

// DefaultDiskFloorMB is the free space under which the appliance says it is not ready.
const DefaultDiskFloorMB = 512

// minMetricsToken keeps a guessable scrape token out.
const minMetricsToken = 24

// Ops is how the appliance is watched and reached: the scrape token, the disk floor of the
// ready check and the proxies whose forwarded-for header is believed.
type Ops struct {
	MetricsToken   string
	DiskFloor      uint64 // bytes
	TrustedProxies []netip.Prefix

	diskFloorMB  uint64
	trustedProxy string
}

func (c *Config) opsFlags(fs *pflag.FlagSet) {
	fs.Uint64Var(&c.Ops.diskFloorMB, "disk-floor", DefaultDiskFloorMB, "free MB of the data directory's disk under which GET /api/alertbutton/ready answers 503")
	fs.StringVar(&c.Ops.trustedProxy, "trusted-proxy", "", "comma separated IPs or CIDRs of the reverse proxies in front (e.g. 127.0.0.1,10.0.0.0/8): only their X-Forwarded-For is believed")
}

// resolveOps fills c.Ops from the flags and the scrape token (from MetricsTokenEnv).
func (c *Config) resolveOps(token string) error {
	o := &c.Ops
	o.DiskFloor = o.diskFloorMB << 20
	o.MetricsToken = strings.TrimSpace(token)
	if o.MetricsToken != "" && len(o.MetricsToken) < minMetricsToken {
		return fmt.Errorf("$%s is %d characters; use at least %d random ones (e.g. $(openssl rand -hex 16))",
			MetricsTokenEnv, len(o.MetricsToken), minMetricsToken)
	}
	proxies, err := ParseProxies(o.trustedProxy)
	if err != nil {
		return err
	}
	o.TrustedProxies = proxies
	return nil
}

// ParseProxies reads --trusted-proxy: IPs and CIDRs, comma separated.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy: %q is neither an IP nor a CIDR (e.g. 127.0.0.1 or 10.0.0.0/8)", part)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
