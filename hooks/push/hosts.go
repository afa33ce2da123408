package push

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// HostList is an allow-list of push service hosts: "host" (default port of
// the scheme) or "host:port"; a leading "*." matches any subdomain.
type HostList []string

// DefaultHosts are the browser vendors' push services: Chrome, Edge
// (Chromium), Opera, Samsung Internet use FCM; Firefox uses Mozilla's
// autopush; legacy Edge uses WNS; Safari uses web.push.apple.com.
var DefaultHosts = HostList{
	"fcm.googleapis.com",
	"updates.push.services.mozilla.com",
	"*.notify.windows.com",
	"*.push.apple.com",
}

// ParseHosts parses a comma separated list such as
// "127.0.0.1:8123,example.org,*.push.example.net".
func ParseHosts(csv string) (HostList, error) {
	var list HostList
	for _, entry := range strings.Split(csv, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		normalized, err := parseHost(entry)
		if err != nil {
			return nil, err
		}
		list = append(list, normalized)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("push hosts: the list is empty")
	}
	return list, nil
}

func parseHost(entry string) (string, error) {
	host, port := splitHost(entry)
	name, wildcard := strings.CutPrefix(host, "*.")
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-.:") != "" ||
		strings.Contains(name, "..") || (wildcard && strings.Contains(name, ":")) {
		return "", fmt.Errorf("push hosts: %q is not a host or host:port", entry)
	}
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]", nil
		}
		return host, nil
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("push hosts: %q has an invalid port", entry)
	}
	return net.JoinHostPort(host, port), nil
}

// splitHost splits "host", "host:port", "[v6]:port", "[v6]" or "v6" into a
// lower case host without brackets and a port ("" when absent).
func splitHost(entry string) (host, port string) {
	if h, p, err := net.SplitHostPort(entry); err == nil {
		return strings.ToLower(h), p
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(entry, "["), "]")), ""
}

// allows reports whether host (lower case, no brackets) on port matches an
// entry; an entry without a port only matches defaultPort.
func (l HostList) allows(host, port, defaultPort string) bool {
	for _, entry := range l {
		h, p := splitHost(entry)
		if p == "" {
			p = defaultPort
		}
		if p != port {
			continue
		}
		if suffix, ok := strings.CutPrefix(h, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
		} else if h == host {
			return true
		}
	}
	return false
}
