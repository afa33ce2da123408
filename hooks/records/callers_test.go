package records_test

import (
	"alertbutton/hooks/apptest"
	"go/ast"
	"path/filepath"
	"strings"
	"testing"
)

// notRecords are the saves of what is not a record, which records.Save cannot take:
// file -> how many.
var notRecords = map[string]int{
	"hooks/appliance/bind.go": 1, // the app's settings
	"hooks/proxy/proxy.go":    1, // the app's settings (TrustedProxy)
}

// TestEverySaveGoesThroughRecords reads the appliance's code: outside tests, records are
// saved by records.Save only, never by PocketBase's Save or SaveNoValidate directly.
func TestEverySaveGoesThroughRecords(t *testing.T) {
	t.Parallel()
	found := map[string]int{}
	for _, src := range apptest.Sources(t, filepath.Join("..", ".."), "hooks/records", "hooks/apptest", "bench", "e2e", "migrations") {
		packages := imported(src.File)
		ast.Inspect(src.File, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !saves[sel.Sel.Name] {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && packages[x.Name] {
				return true // records.Save, or another package's function of that name
			}
			found[src.Rel]++
			return true
		})
	}
	for file, n := range found {
		if n != notRecords[file] {
			t.Errorf("%s: %d saves not through records.Save (allowed: %d)", file, n, notRecords[file])
		}
	}
	for file, n := range notRecords {
		if found[file] != n {
			t.Errorf("%s: %d saves of what is not a record, expected %d: update notRecords", file, found[file], n)
		}
	}
}

// saves are PocketBase's ways to save a model.
var saves = map[string]bool{"Save": true, "SaveNoValidate": true, "SaveWithContext": true, "SaveNoValidateWithContext": true}

// imported names the packages a file imports, as its code calls them.
func imported(file *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, spec := range file.Imports {
		path := strings.Trim(spec.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		names[name] = true
	}
	return names
}
