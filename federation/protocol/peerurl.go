package protocol

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// CheckPeerURL accepts a peer's base URL: https, or plain http to a loopback
// host (127.0.0.0/8, ::1, localhost) for labs and tests. No credentials,
// query or fragment.
func CheckPeerURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || len(s) > 2048 {
		return fmt.Errorf("%w: peer URL %q is not a URL", ErrMalformed, s)
	}
	if u.Opaque != "" || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("%w: peer URL %q must be like https://host[:port][/path], without credentials, query or fragment", ErrMalformed, s)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("%w: peer URL %q must use https (plain http only to 127.0.0.1, ::1 or localhost)", ErrInsecureURL, s)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
