package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// lookupDirs hold the runtime: its services are handed to each package by the appliance.
var lookupDirs = []string{"hooks", "federation", "server"}

// TestNoServiceLookups keeps the appliance the one place services come from: no non-test
// file of the runtime reads PocketBase's app store (app.Store()), where a service would be
// found by a string key instead of handed over. There is no exception.
func TestNoServiceLookups(t *testing.T) {
	fset, files := token.NewFileSet(), 0
	for _, dir := range lookupDirs {
		err := filepath.WalkDir(filepath.Join("..", dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files++
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && isStoreLookup(call) {
					t.Errorf("%s: a Store() lookup; hand the service over from server.Appliance instead", fset.Position(call.Pos()))
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files == 0 {
		t.Fatal("no file parsed: the walk missed the runtime")
	}
}

// isStoreLookup tells x.Store(), PocketBase's app store (sync.Map's Store takes arguments).
func isStoreLookup(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Store" && len(call.Args) == 0
}
