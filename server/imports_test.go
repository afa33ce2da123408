package server_test

import (
	"alertbutton/hooks/apptest"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "alertbutton"

// leaves are libraries anyone may import: they import nothing of this project.
var leaves = []string{
	module + "/federation/protocol",
	module + "/federation/jurisdiction",
	module + "/federation/keys",
}

// vocabulary is what migrations and runtime share: it imports leaves only.
const vocabulary = module + "/hooks/alerts/vocab"

// imported is one import of one non-test file.
type imported struct {
	file  string // slash path from the module root
	pkg   string // the importing package's path
	path  string // what it imports
	blank bool   // import _ "path"
}

// TestImportDirection keeps the dependencies one way: leaf libraries import nothing of the
// project; nothing under hooks/ but the test-only apptest imports the federation service or
// the composition root; and migrations are registered (blank imports in main, server and
// apptest), never read by the runtime.
func TestImportDirection(t *testing.T) {
	for _, imp := range moduleImports(t) {
		for _, msg := range broken(imp) {
			t.Errorf("%s imports %s: %s", imp.file, imp.path, msg)
		}
		if imp.path == module+"/migrations" && !inside(imp.pkg, module+"/migrations") && !registers(imp) {
			t.Errorf("%s imports %s/migrations: only main, server and hooks/apptest may, with a blank import; share vocabulary through %s", imp.file, module, vocabulary)
		}
	}
}

// broken returns why imp breaks the direction rules other than the migrations one.
func broken(imp imported) []string {
	if !inside(imp.path, module) {
		return nil
	}
	var out []string
	for _, leaf := range leaves {
		if inside(imp.pkg, leaf) && !inside(imp.path, leaf) {
			out = append(out, leaf+" is a leaf library: it imports nothing of this project")
		}
	}
	if inside(imp.pkg, vocabulary) && !isLeaf(imp.path) && !inside(imp.path, vocabulary) {
		out = append(out, vocabulary+" imports leaf libraries only")
	}
	if inside(imp.pkg, module+"/hooks") && !inside(imp.pkg, module+"/hooks/apptest") &&
		(imp.path == module+"/federation" || inside(imp.path, module+"/server")) {
		out = append(out, "nothing under hooks/ (but hooks/apptest) imports the federation service or the composition root")
	}
	return out
}

// registers tells a blank import of migrations by main, server or hooks/apptest.
func registers(imp imported) bool {
	return imp.blank && (imp.pkg == module || imp.pkg == module+"/server" || imp.pkg == module+"/hooks/apptest")
}

func isLeaf(path string) bool {
	return slices.ContainsFunc(leaves, func(leaf string) bool { return inside(path, leaf) })
}

// inside tells whether path is pkg or a package under it.
func inside(path, pkg string) bool {
	return path == pkg || strings.HasPrefix(path, pkg+"/")
}

// moduleImports are the imports of every non-test Go file of the module.
func moduleImports(t *testing.T) []imported {
	t.Helper()
	var out []imported
	for _, src := range apptest.Sources(t, "..") {
		pkg := module
		if dir := path.Dir(src.Rel); dir != "." {
			pkg += "/" + dir
		}
		for _, spec := range src.File.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			blank := spec.Name != nil && spec.Name.Name == "_"
			out = append(out, imported{file: src.Rel, pkg: pkg, path: p, blank: blank})
		}
	}
	return out
}
