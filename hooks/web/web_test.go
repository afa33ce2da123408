package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/pocketbase/core"

	pbpublic "alertbutton/pb_public"
)

// get asks the site for url as a phone would, with extra request headers.
func get(t *testing.T, s site, url string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res := httptest.NewRecorder()
	e := &core.RequestEvent{}
	e.Request, e.Response = req, res
	if err := s.serve(e); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return res
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A syntax error or a missing file in the app's scripts fails here, not on a phone.
func TestTheEmbeddedAppBundles(t *testing.T) {
	if _, err := buildBundle(pbpublic.FS); err != nil {
		t.Fatal(err)
	}
}

// Every text file goes gzipped to a phone that takes gzip, and plain to one that does not,
// with ETags that tell the two apart, Vary: Accept-Encoding, and a 304 for a copy it holds.
func TestTextIsServedGzippedWithETagsAndVary(t *testing.T) {
	s := appSite()
	checked := 0
	for url, a := range s {
		if !a.compressed || len(a.body) < 512 {
			continue
		}
		checked++
		gz := get(t, s, url, "Accept-Encoding", "gzip, deflate, br")
		if gz.Code != http.StatusOK || gz.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d, Content-Encoding %q, want gzip", url, gz.Code, gz.Header().Get("Content-Encoding"))
			continue
		}
		if !bytes.Equal(gunzip(t, gz.Body.Bytes()), a.body) {
			t.Errorf("%s: the gzipped body is not the file", url)
		}
		if gz.Body.Len() >= len(a.body) {
			t.Errorf("%s: gzip saves nothing (%d >= %d bytes)", url, gz.Body.Len(), len(a.body))
		}
		if gz.Header().Get("Content-Length") != strconv.Itoa(gz.Body.Len()) {
			t.Errorf("%s: Content-Length %q for %d bytes", url, gz.Header().Get("Content-Length"), gz.Body.Len())
		}
		plain := get(t, s, url)
		if plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), a.body) {
			t.Errorf("%s: a phone without gzip got Content-Encoding %q", url, plain.Header().Get("Content-Encoding"))
		}
		if get(t, s, url, "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip;q=0 still got gzip", url)
		}
		for _, res := range []*httptest.ResponseRecorder{gz, plain} {
			if !strings.Contains(res.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary %q lacks Accept-Encoding", url, res.Header().Get("Vary"))
			}
			if !strings.HasPrefix(res.Header().Get("Content-Type"), a.ctype) {
				t.Errorf("%s: Content-Type %q", url, res.Header().Get("Content-Type"))
			}
		}
		etag := gz.Header().Get("ETag")
		if etag == "" || etag == plain.Header().Get("ETag") {
			t.Errorf("%s: ETags %q (gzip) and %q (plain) must differ and exist", url, etag, plain.Header().Get("ETag"))
		}
		again := get(t, s, url, "Accept-Encoding", "gzip", "If-None-Match", etag)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s: a phone holding %s got %d with %d bytes, want 304", url, etag, again.Code, again.Body.Len())
		}
	}
	if checked < 10 {
		t.Fatalf("only %d text files checked", checked)
	}
}

// Bundled files carry their hash in their name and may be kept for good; every other file
// is checked again (with its ETag) before use, so a new version reaches the phone.
func TestCachingFollowsTheNames(t *testing.T) {
	s := appSite()
	for url := range s {
		cc := get(t, s, url, "Accept-Encoding", "gzip").Header().Get("Cache-Control")
		hashed := strings.HasPrefix(url, bundleDir) && url != scriptList
		if hashed && cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q, want immutable", url, cc)
		}
		if !hashed && cc != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache", url, cc)
		}
	}
}

var (
	preloadLink = regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)">`)
	relImport   = regexp.MustCompile(`(?:from|import)\s*\(?"(\.\.?/[^"]+\.js)"`)
	staticFrom  = regexp.MustCompile(`(?:from|import)\s*"(\.\.?/[^"]+\.js)"`)
)

// firstScreen is every file a phone fetches to show the app's first screen, gzipped bytes.
func firstScreen(t *testing.T, s site) map[string]int {
	t.Helper()
	page := s["/"].body
	files := map[string]int{"/": len(s["/"].gz), "/css/app.css": len(s["/css/app.css"].gz)}
	for _, m := range preloadLink.FindAllSubmatch(page, -1) {
		files[string(m[1])] = 0
	}
	m := moduleScript.FindSubmatch(page)
	if m == nil {
		t.Fatalf("/ has no module script:\n%s", page)
	}
	files[string(m[1])] = 0
	for url := range files {
		a := s[url]
		if a == nil {
			t.Fatalf("/ loads %s, which is not served", url)
		}
		files[url] = len(a.gz)
		if a.gz == nil {
			files[url] = len(a.body)
		}
	}
	return files
}

// The first screen comes in one round after the page: a bundled script whose every static
// import is preloaded by the page (no waterfall), at most 60 KB gzipped in all, and without
// the QR library or the screens that come later.
func TestTheFirstScreenIsSmallAndFlat(t *testing.T) {
	s := appSite()
	files := firstScreen(t, s)
	total := 0
	for url, n := range files {
		total += n
		if url == "/" || url == "/css/app.css" {
			continue
		}
		if !strings.HasPrefix(url, bundleDir) {
			t.Errorf("the first screen loads %s, which is not bundled", url)
		}
		body := s[url].body
		for _, m := range staticFrom.FindAllSubmatch(body, -1) {
			dep := path.Join(path.Dir(url), string(m[1]))
			if _, ok := files[dep]; !ok {
				t.Errorf("%s imports %s, which the page does not preload: a waterfall", url, dep)
			}
		}
		for _, later := range []string{"bad maskPattern", "Kazuhiko Arase"} {
			if bytes.Contains(body, []byte(later)) {
				t.Errorf("%s holds the QR library (%q): it belongs to the relatives screen", url, later)
			}
		}
	}
	if len(files) > 12 {
		t.Errorf("the first screen takes %d files: %v", len(files), files)
	}
	if total > 60*1024 {
		t.Errorf("the first screen moves %d bytes gzipped, over 60 KB: %v", total, files)
	}
	t.Logf("first screen: %d files, %d bytes gzipped", len(files), total)
}

// The service worker keeps what /b/index.json names: every bundled file, so each screen
// opens offline, including those loaded with import().
func TestTheScriptListHoldsEveryBundledFile(t *testing.T) {
	s := appSite()
	var list []string
	if err := json.Unmarshal(s[scriptList].body, &list); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, u := range list {
		listed[u] = true
		if s[u] == nil {
			t.Errorf("index.json names %s, which is not served", u)
		}
	}
	for url, a := range s {
		if !strings.HasPrefix(url, bundleDir) || url == scriptList {
			continue
		}
		if !listed[url] {
			t.Errorf("%s is not in %s: it would be missing offline", url, scriptList)
		}
		for _, m := range relImport.FindAllSubmatch(a.body, -1) {
			if dep := path.Join(path.Dir(url), string(m[1])); !listed[dep] {
				t.Errorf("%s imports %s, which is not in %s", url, dep, scriptList)
			}
		}
	}
	for _, lazy := range []string{"/screens/register.js", "/screens/relatives.js", "/screens/officer.js"} {
		if !listed[appBundle(t).entries[lazy]] {
			t.Errorf("the lazy screen %s has no bundled file in the list", lazy)
		}
	}
}

func appBundle(t *testing.T) *bundle {
	t.Helper()
	b, err := buildBundle(pbpublic.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A module someone adds is bundled by following the imports, statically or with import(),
// with no list to keep.
func TestNewModulesArePickedUp(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":     {Data: []byte(`<html><head><script type="module" src="/js/app.js"></script></head></html>`)},
		"js/app.js":      {Data: []byte("import { greet } from './new.js';\ndocument.title = greet();\nexport const later = () => import('../screens/new.js');\n")},
		"js/new.js":      {Data: []byte("export const greet = () => 'brand-new-module';\n")},
		"screens/new.js": {Data: []byte("export default () => 'brand-new-screen';\n")},
	}
	b, err := buildBundle(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSite(fsys, b)
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, u := range b.list() {
		all = append(all, s[u].body...)
	}
	for _, want := range []string{"brand-new-module", "brand-new-screen"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("the bundle lacks %q", want)
		}
	}
	if b.entries["/screens/new.js"] == "" {
		t.Errorf("the screen loaded with import() has no file of its own: %v", b.entries)
	}
	if !bytes.Contains(s["/"].body, []byte(`src="`+b.entries["/js/app.js"]+`"`)) {
		t.Errorf("the page does not load the bundle:\n%s", s["/"].body)
	}
}

// When bundling fails (a broken import) the server still answers: the pages load their plain
// modules and the worker keeps those.
func TestABrokenBundleFallsBackToThePlainModules(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html": {Data: []byte(`<html><head><script type="module" src="/js/app.js"></script></head></html>`)},
		"js/app.js":  {Data: []byte("import { gone } from './gone.js';\n")},
	}
	if _, err := buildBundle(fsys); err == nil || !strings.Contains(err.Error(), "gone.js") {
		t.Fatalf("bundling a missing import: %v", err)
	}
	s, err := newSite(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(get(t, s, "/").Body.Bytes(), []byte(`src="/js/app.js"`)) {
		t.Error("the page does not load its plain module")
	}
	if got := string(s[scriptList].body); got != `["/js/app.js"]` {
		t.Errorf("the worker's list is %s", got)
	}
}

// Old paths keep working: a directory without its slash, index.html, and the app's own paths.
func TestPathsLikeTheStaticHandler(t *testing.T) {
	s := appSite()
	for url, want := range map[string]int{"/family": 301, "/family/index.html": 301, "/index.html": 301, "/family/": 200, "/js/app.js": 200, "/some/route": 200} {
		if res := get(t, s, url); res.Code != want {
			t.Errorf("%s: %d, want %d", url, res.Code, want)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/b/js/app-OLDHASH.js", nil)
	e := &core.RequestEvent{}
	e.Request, e.Response = req, httptest.NewRecorder()
	if err := s.serve(e); err == nil {
		t.Error("a bundled file that does not exist must be a 404, not the page")
	}
}
