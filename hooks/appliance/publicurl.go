package appliance

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/spf13/pflag"
)

// checkPublicURL is serve's last check before PocketBase binds addr (its HTTPS address when
// it has one). Every link the appliance builds (family links, e-mails) starts with the
// public URL, never with a request's Host header, which any client can forge. Without
// --public-url only a loopback address is served, and the links name it.
func (c *Config) checkPublicURL(addr string) error {
	if c.PublicURL != "" {
		return nil
	}
	if !isLoopback(addr) {
		return fmt.Errorf("--public-url is required to serve on %q, which is not a loopback address: family links and e-mails "+
			"are built from it, never from a request's Host header. Start again with --public-url https://alerta.consulado.example "+
			"(the address relatives and peers reach), or serve on 127.0.0.1", addr)
	}
	scheme := "http"
	if c.tls {
		scheme = "https"
	}
	c.PublicURL = scheme + "://" + addr
	return nil
}

// isLoopback tells whether a listen address only takes connections from this machine.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// servesTLS tells whether serve's command line asks PocketBase for HTTPS (an --https
// address or a domain), as its serve command decides.
func servesTLS(args []string) bool {
	fs := pflag.NewFlagSet("tls", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist = pflag.ParseErrorsAllowlist{UnknownFlags: true}
	fs.Usage = func() {}
	https := fs.String("https", "", "")
	if fs.Parse(args) != nil {
		return false
	}
	return *https != ""
}

// IsLocalURL tells whether an address names this machine only (localhost, a loopback or
// unspecified IP): no peer or relative could reach it.
func IsLocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
