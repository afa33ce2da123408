package pbpublic

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func swSource(t *testing.T) string {
	t.Helper()
	b, err := FS.ReadFile("sw.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// shellHash is the digest of every embedded file but the service worker itself.
func shellHash(t *testing.T) string {
	t.Helper()
	var names []string
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != "sw.js" {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, _ := FS.ReadFile(n)
		h.Write([]byte(n + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Phones keep the app shell cache-first: without a new VERSION they would never see a change.
func TestServiceWorkerVersionFollowsTheFiles(t *testing.T) {
	m := regexp.MustCompile(`const VERSION = 'ab-([0-9a-f]+)';`).FindStringSubmatch(swSource(t))
	if m == nil {
		t.Fatal("sw.js has no VERSION line")
	}
	if want := shellHash(t); m[1] != want {
		t.Fatalf("the app's files changed: set VERSION in pb_public/sw.js to 'ab-%s'", want)
	}
}

// Every file the service worker caches exists, and every style and page is cached, so the app
// and "know your rights" open offline. Scripts are not listed: the server bundles them and the
// worker keeps what /b/index.json names (hooks/web checks that list).
func TestServiceWorkerShellMatchesTheFiles(t *testing.T) {
	src := swSource(t)
	block := src[strings.Index(src, "const SHELL = ["):]
	block = block[:strings.Index(block, "];")]
	shell := map[string]bool{}
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(block, -1) {
		shell[m[1]] = true
	}
	for url := range shell {
		name := strings.TrimPrefix(url, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		if _, err := fs.Stat(FS, name); err != nil {
			t.Errorf("sw.js caches %s, which is not embedded", url)
		}
	}
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "sw.js" {
			return nil
		}
		url := "/" + p
		if p == "index.html" || strings.HasSuffix(p, "/index.html") {
			url = strings.TrimSuffix(url, "index.html")
		}
		script := strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".mjs")
		needed := strings.HasSuffix(p, ".css") || strings.HasSuffix(p, ".html")
		if needed && !shell[url] {
			t.Errorf("%s is not in the service worker's SHELL list: the app would break offline", url)
		}
		if script && shell[url] {
			t.Errorf("%s is in the service worker's SHELL list: take it out, the worker keeps the bundled scripts instead and this copy would cost a slow phone its download", url)
		}
		return nil
	})
}

// No file may load anything from another origin, and none may rely on inline code.
func TestNoThirdPartyOrInlineCode(t *testing.T) {
	external := regexp.MustCompile(`(?i)(src|href)=["']?(https?:)?//`)
	inline := regexp.MustCompile(`(?i)<script(?:\s+type="module")?>|\sstyle=|\son[a-z]+=`)
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, _ := FS.ReadFile(p)
		if m := external.Find(b); m != nil {
			t.Errorf("%s loads from another origin: %s", p, m)
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s has inline code the CSP blocks: %s", p, m)
		}
		return nil
	})
	for _, dir := range []string{"js", "screens", "family", "staff"} {
		fs.WalkDir(FS, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
				return nil
			}
			b, _ := FS.ReadFile(p)
			src := strings.ReplaceAll(string(b), "http://www.w3.org/2000/svg", "")
			for _, bad := range []string{"eval(", "new Function", "innerHTML", "https://", "http://"} {
				if strings.Contains(src, bad) {
					t.Errorf("%s uses %q", p, bad)
				}
			}
			return nil
		})
	}
}
