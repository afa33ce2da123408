package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"mime"
	"path"
	"strings"
)

// asset is one file as served: its bytes, gzipped once at startup when that makes it
// smaller, and the ETag of each form.
type asset struct {
	body, gz   []byte
	ctype      string
	etag       string
	immutable  bool // its name carries its hash: a phone may keep it for good
	compressed bool // a text file: the answer varies with Accept-Encoding
}

// scriptList is where the service worker reads which scripts to keep offline.
const scriptList = bundleDir + "index.json"

// site is every file the appliance serves at /, by URL path ("/", "/family/", "/js/app.js").
type site map[string]*asset

// newSite reads fsys; when the bundle could not be built (b nil), the pages load their
// plain modules, as they are written.
func newSite(fsys fs.FS, b *bundle) (site, error) {
	s := site{}
	var scripts []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		url := "/" + p
		if strings.HasSuffix(p, ".html") && b != nil {
			body = b.page(body)
		}
		if p == "index.html" || strings.HasSuffix(p, "/index.html") {
			url = strings.TrimSuffix(url, "index.html")
		}
		if b == nil && (strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".mjs")) && p != "sw.js" {
			scripts = append(scripts, url)
		}
		s[url] = newAsset(p, body, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if b != nil {
		for url, body := range b.files {
			s[url] = newAsset(url, body, true)
		}
		scripts = b.list()
	}
	list, err := json.Marshal(scripts)
	if err != nil {
		return nil, err
	}
	s[scriptList] = newAsset(scriptList, list, false)
	return s, nil
}

func newAsset(name string, body []byte, immutable bool) *asset {
	sum := sha256.Sum256(body)
	a := &asset{body: body, ctype: contentType(name), etag: hex.EncodeToString(sum[:8]), immutable: immutable}
	if compressible(a.ctype) {
		a.compressed = true
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
		}
	}
	return a
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".json":
		return "application/json"
	case ".html":
		return "text/html; charset=utf-8"
	}
	if strings.HasPrefix(path.Base(name), "LICENSE") {
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg")
}

// acceptsGzip reads Accept-Encoding: gzip, unless its q is 0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
