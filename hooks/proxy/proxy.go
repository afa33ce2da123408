// Package proxy decides whose forwarded-for header the appliance believes. PocketBase's
// RealIP (rate limits, the request log, the appliance's own limits) reads the headers of its
// TrustedProxy settings from any caller; here they are dropped from every request whose
// peer is not one of --trusted-proxy, before anything reads them.
package proxy

import (
	"net/netip"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Header is the header a trusted proxy sets: the client's address, appended last.
const Header = "X-Forwarded-For"

// priority runs Strip before every other middleware, PocketBase's own included.
const priority = -100000

// Bind makes the trusted proxies' X-Forwarded-For the client's address: PocketBase's
// TrustedProxy settings name the header (its rightmost address, the one the proxy wrote),
// and Strip drops it from everyone else. Without proxies no header is believed.
func Bind(app core.App, trusted []netip.Prefix) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if err := configure(e.App, trusted); err != nil {
				return err
			}
			e.Router.Bind(Strip(trusted))
			return e.Next()
		},
	})
}

// configure saves the TrustedProxy settings that --trusted-proxy asks for.
func configure(app core.App, trusted []netip.Prefix) error {
	if len(trusted) == 0 {
		return nil
	}
	s := app.Settings()
	if slices.Equal(s.TrustedProxy.Headers, []string{Header}) && !s.TrustedProxy.UseLeftmostIP {
		return nil
	}
	s.TrustedProxy.Headers = []string{Header}
	s.TrustedProxy.UseLeftmostIP = false
	return app.Save(s)
}

// Strip drops the TrustedProxy headers of a request that did not come from a trusted proxy.
func Strip(trusted []netip.Prefix) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "alertbuttonTrustedProxy",
		Priority: priority,
		Func: func(e *core.RequestEvent) error {
			if !fromTrusted(e.RemoteIP(), trusted) {
				for _, h := range e.App.Settings().TrustedProxy.Headers {
					e.Request.Header.Del(h)
				}
			}
			return e.Next()
		},
	}
}

func fromTrusted(remote string, trusted []netip.Prefix) bool {
	ip, err := netip.ParseAddr(remote)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
