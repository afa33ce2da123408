package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// bundleDir is where the bundled scripts are served. Their names carry a hash of their
// content, so a phone may keep them for good.
const bundleDir = "/b/"

// bundle is the pages' scripts joined by esbuild at startup, in memory, from the embedded
// sources: one file per page plus shared chunks, and one lazy chunk per dynamic import().
// A new module is picked up by following the imports; nothing lists the files by hand.
type bundle struct {
	files   map[string][]byte   // URL path (/b/...) -> minified script
	entries map[string]string   // source URL of a page's script (/js/app.js) -> its bundle
	preload map[string][]string // bundle -> the chunks it imports statically, all levels
}

var moduleScript = regexp.MustCompile(`<script type="module" src="(/[^"]+\.js)"></script>`)

// pageScripts are the module scripts the embedded pages load.
func pageScripts(fsys fs.FS) ([]string, error) {
	var scripts []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		for _, m := range moduleScript.FindAllSubmatch(b, -1) {
			scripts = append(scripts, string(m[1]))
		}
		return err
	})
	sort.Strings(scripts)
	return scripts, err
}

// buildBundle runs esbuild over the embedded sources; it reads nothing from the disk.
func buildBundle(fsys fs.FS) (*bundle, error) {
	scripts, err := pageScripts(fsys)
	if err != nil || len(scripts) == 0 {
		return nil, fmt.Errorf("no page scripts found: %v", err)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:       scripts,
		Bundle:            true,
		Splitting:         true,
		Format:            api.FormatESModule,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2022,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		Charset:           api.CharsetUTF8,
		Outdir:            bundleDir,
		Outbase:           "/",
		EntryNames:        "[dir]/[name]-[hash]",
		ChunkNames:        "chunks/[name]-[hash]",
		AbsWorkingDir:     "/",
		Metafile:          true,
		Write:             false,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{embedded(fsys)},
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range res.Errors {
			where := ""
			if m.Location != nil {
				where = fmt.Sprintf("%s:%d: ", m.Location.File, m.Location.Line)
			}
			msgs = append(msgs, where+m.Text)
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return fromOutput(res)
}

// embedded resolves every import to a file of fsys, named by its URL path, and loads it
// from there.
func embedded(fsys fs.FS) api.Plugin {
	return api.Plugin{Name: "embedded", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			p := a.Path
			if !strings.HasPrefix(p, "/") {
				p = path.Join(path.Dir(a.Importer), p)
			}
			if _, err := fs.Stat(fsys, strings.TrimPrefix(p, "/")); err != nil {
				return api.OnResolveResult{}, fmt.Errorf("%s imports %s, which is not embedded", a.Importer, a.Path)
			}
			return api.OnResolveResult{Path: p, Namespace: "file"}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			src, err := fs.ReadFile(fsys, strings.TrimPrefix(a.Path, "/"))
			s := string(src)
			return api.OnLoadResult{Contents: &s, Loader: api.LoaderJS, ResolveDir: path.Dir(a.Path)}, err
		})
	}}
}

type metafile struct {
	Outputs map[string]struct {
		EntryPoint string `json:"entryPoint"`
		Imports    []struct {
			Path string `json:"path"`
			Kind string `json:"kind"`
		} `json:"imports"`
	} `json:"outputs"`
}

func fromOutput(res api.BuildResult) (*bundle, error) {
	var meta metafile
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, err
	}
	b := &bundle{files: map[string][]byte{}, entries: map[string]string{}, preload: map[string][]string{}}
	for _, f := range res.OutputFiles {
		b.files[f.Path] = f.Contents
	}
	static := map[string][]string{}
	for out, o := range meta.Outputs {
		url := "/" + strings.TrimPrefix(out, "/")
		if _, ok := b.files[url]; !ok {
			return nil, fmt.Errorf("esbuild's metafile names %s, which it did not write", url)
		}
		if o.EntryPoint != "" {
			b.entries["/"+strings.TrimPrefix(o.EntryPoint, "/")] = url
		}
		for _, imp := range o.Imports {
			if imp.Kind == "import-statement" {
				static[url] = append(static[url], "/"+strings.TrimPrefix(imp.Path, "/"))
			}
		}
	}
	for _, url := range b.entries {
		b.preload[url] = closure(static, url)
	}
	return b, nil
}

// closure is every file from imports statically, directly or not, sorted.
func closure(static map[string][]string, from string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(u string) {
		for _, d := range static[u] {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(from)
	var all []string
	for u := range seen {
		all = append(all, u)
	}
	sort.Strings(all)
	return all
}

// page points an HTML page at the bundle: its module script becomes the bundled one, preceded
// by a modulepreload link for each chunk it needs, so none waits for another.
func (b *bundle) page(html []byte) []byte {
	return moduleScript.ReplaceAllFunc(html, func(tag []byte) []byte {
		src := string(moduleScript.FindSubmatch(tag)[1])
		out, ok := b.entries[src]
		if !ok {
			return tag
		}
		var s strings.Builder
		for _, c := range b.preload[out] {
			fmt.Fprintf(&s, "<link rel=\"modulepreload\" href=\"%s\">\n", c)
		}
		fmt.Fprintf(&s, "<script type=\"module\" src=\"%s\"></script>", out)
		return []byte(s.String())
	})
}

// list is every bundled file, for the service worker to keep offline.
func (b *bundle) list() []string {
	var all []string
	for u := range b.files {
		all = append(all, u)
	}
	sort.Strings(all)
	return all
}
