package proxy_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
)

// handler serves an appliance trusting trusted, with a route that answers the client's
// address as the rate limits and the request log see it (PocketBase's RealIP).
func handler(t *testing.T, trusted ...string) (http.Handler, core.App) {
	app := apptest.NewBare(t)
	cfg := apptest.Configure(t, app, "los-angeles")
	for _, p := range trusted {
		cfg.Ops.TrustedProxies = append(cfg.Ops.TrustedProxies, netip.MustParsePrefix(p))
	}
	apptest.Bind(app, cfg)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.GET("/test/realip", func(e *core.RequestEvent) error { return e.String(200, e.RealIP()) })
		return e.Next()
	})
	return apptest.Handler(t, app), app
}

func realIP(h http.Handler, peer, forwarded string) string {
	req := httptest.NewRequest("GET", "/test/realip", nil)
	req.RemoteAddr = peer
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}

// X-Forwarded-For is the client's address only when a trusted proxy sent the request: from
// anyone else it is ignored, so a caller cannot pick the address its rate limits count.
func TestForwardedForIsBelievedFromTrustedProxiesOnly(t *testing.T) {
	h, app := handler(t, "127.0.0.1/32", "10.0.0.0/8")
	if got := app.Settings().TrustedProxy.Headers; len(got) != 1 || got[0] != "X-Forwarded-For" {
		t.Fatalf("TrustedProxy headers %v, want X-Forwarded-For", got)
	}
	for _, c := range []struct{ peer, forwarded, want string }{
		{"127.0.0.1:5000", "198.51.100.7", "198.51.100.7"},
		{"10.1.2.3:5000", "203.0.113.1, 198.51.100.8", "198.51.100.8"}, // the address the proxy appended
		{"203.0.113.9:5000", "198.51.100.7", "203.0.113.9"},
		{"203.0.113.9:5000", "", "203.0.113.9"},
		{"127.0.0.1:5000", "", "127.0.0.1"},
	} {
		if got := realIP(h, c.peer, c.forwarded); got != c.want {
			t.Errorf("from %s forwarding %q: client %q, want %q", c.peer, c.forwarded, got, c.want)
		}
	}
}

// Without --trusted-proxy no forwarded header is believed, even one set in the admin UI's
// settings.
func TestNoTrustedProxyBelievesNoHeader(t *testing.T) {
	h, app := handler(t)
	s := app.Settings()
	s.TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if got := realIP(h, "127.0.0.1:5000", "198.51.100.7"); got != "127.0.0.1" {
		t.Fatalf("client %q, want the peer 127.0.0.1", got)
	}
}
