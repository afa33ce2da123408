// Package web serves the embedded app with strict security headers, bundled and gzipped
// once at startup for phones on slow networks.
package web

import (
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	pbpublic "alertbutton/pb_public"
)

// Static serves pb_public, the index of a directory for its path; server/routes.go declares
// it at / (PocketBase's own /api and /_ routes take precedence), with SecurityHeaders.
// The pages' scripts are bundled (see bundle.go); when that fails the pages load their
// plain modules, and the failure is logged.
func Static() func(e *core.RequestEvent) error {
	return appSite().serve
}

// appSite is built once per process: every app of a test run shares it.
var appSite = sync.OnceValue(func() site {
	b, err := buildBundle(pbpublic.FS)
	if err != nil {
		slog.Error("web: the app's scripts could not be bundled; serving them unbundled", "error", err)
		b = nil
	}
	s, err := newSite(pbpublic.FS, b)
	if err != nil {
		panic("web: reading the embedded app: " + err.Error())
	}
	return s
})

func (s site) serve(e *core.RequestEvent) error {
	url := e.Request.URL.Path
	if a, ok := s[url]; ok {
		return a.write(e)
	}
	if dir, ok := strings.CutSuffix(url, "index.html"); ok && s[dir] != nil {
		return e.Redirect(http.StatusMovedPermanently, dir)
	}
	if !strings.HasSuffix(url, "/") && s[url+"/"] != nil {
		return e.Redirect(http.StatusMovedPermanently, url+"/")
	}
	if strings.HasPrefix(url, bundleDir) || path.Ext(url) != "" {
		return apis.NewNotFoundError("", nil)
	}
	// a path of the app's own (the router lives in the fragment, but be kind)
	return s["/"].write(e)
}

// write answers with the asset, gzipped when the phone takes it, or with 304 when the phone
// already holds this version.
func (a *asset) write(e *core.RequestEvent) error {
	h := e.Response.Header()
	body, etag := a.body, a.etag
	if a.compressed {
		h.Add("Vary", "Accept-Encoding")
	}
	if a.gz != nil && acceptsGzip(e.Request.Header.Get("Accept-Encoding")) {
		body, etag = a.gz, a.etag+"-gz"
		h.Set("Content-Encoding", "gzip")
	}
	etag = `"` + etag + `"`
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", etag)
	if a.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if holds(e.Request.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Encoding")
		e.Response.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return e.Blob(http.StatusOK, a.ctype, body)
}

func holds(ifNoneMatch, etag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
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
