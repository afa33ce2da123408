package appliance_test

import (
	"net/http"
	"strings"
	"testing"

	"alertbutton/hooks/apptest"
)

// Serve refuses a non-loopback address without --public-url before it binds anything: the
// last step of serve, where PocketBase binds, never runs (here it would build the handler).
func TestServeRefusesPublicAddressWithoutPublicURL(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:8090", ":8090", "192.0.2.10:443", "[::]:8090", "alerta.example:443"} {
		app, cfg := apptest.New(t, "fresno")
		handler, err := apptest.ServeAs(app, &http.Server{Addr: addr})
		if err == nil || !strings.Contains(err.Error(), "--public-url is required") || !strings.Contains(err.Error(), addr) {
			t.Errorf("serving on %s without --public-url: %v", addr, err)
		}
		if handler != nil {
			t.Errorf("serving on %s without --public-url went on to bind", addr)
		}
		if cfg.PublicURL != "" {
			t.Errorf("serving on %s: public URL %q", addr, cfg.PublicURL)
		}
	}
}

// On loopback the links name the loopback address; with --public-url, that URL, on any address.
func TestServeLinksStartWithThePublicURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args       []string
		addr, want string
	}{
		{nil, "127.0.0.1:8090", "http://127.0.0.1:8090"},
		{nil, "[::1]:8090", "http://[::1]:8090"},
		{nil, "localhost:8090", "http://localhost:8090"},
		{[]string{"--https", "127.0.0.1:8443"}, "127.0.0.1:8443", "https://127.0.0.1:8443"},
		{[]string{"--public-url", "https://alerta.fresno.example/"}, "0.0.0.0:443", "https://alerta.fresno.example"},
	}
	for _, c := range cases {
		app := apptest.NewBare(t)
		cfg := apptest.Configure(t, app, "fresno")
		if err := cfg.Preflight(append([]string{"serve", "--consulate", "fresno"}, c.args...), app.DataDir()); err != nil {
			t.Fatal(err)
		}
		apptest.Bind(app, cfg)
		if _, err := apptest.ServeAs(app, &http.Server{Addr: c.addr}); err != nil {
			t.Errorf("serving on %s with %v: %v", c.addr, c.args, err)
		}
		if cfg.PublicURL != c.want {
			t.Errorf("serving on %s with %v: public URL %q, want %q", c.addr, c.args, cfg.PublicURL, c.want)
		}
	}
}
