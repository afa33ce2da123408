// Package web serves the embedded app with strict security headers.
package web

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	pbpublic "alertbutton/pb_public"
)

// Static serves pb_public, the index of a directory for its path; server/routes.go declares
// it at / (PocketBase's own /api and /_ routes take precedence), with SecurityHeaders.
func Static() func(e *core.RequestEvent) error {
	return apis.Static(pbpublic.FS, true)
}

// SecurityHeaders keeps the app's pages from loading anything but their own files, and from
// being framed.
func SecurityHeaders(e *core.RequestEvent) error {
	h := e.Response.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
	return e.Next()
}
