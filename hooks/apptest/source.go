package apptest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Source is one non-test Go file of the module, parsed.
type Source struct {
	Rel  string // slash path from the module root
	File *ast.File
	Fset *token.FileSet
}

// Pos is where n is in s, as the compiler would say it.
func (s Source) Pos(n ast.Node) string { return s.Fset.Position(n.Pos()).String() }

// Sources parses every non-test Go file of the module whose root is root (relative to the
// calling test's package), except under hidden directories, testdata, node_modules and the
// directories skip names (slash paths from the root). Tests that keep a rule of the code's
// shape (import direction, one save path, one place for routes) read the code through it.
func Sources(t testing.TB, root string, skip ...string) []Source {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not %s: %v", root, err)
	}
	fset := token.NewFileSet()
	var out []Source
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || slices.Contains(skip, rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		out = append(out, Source{Rel: rel, File: f, Fset: fset})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no Go file parsed: the walk missed the module")
	}
	return out
}
