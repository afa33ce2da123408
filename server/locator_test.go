package server_test

import (
	"alertbutton/hooks/apptest"
	"go/ast"
	"slices"
	"strings"
	"testing"
)

// lookupDirs hold the runtime: its services are handed to each package by the appliance.
var lookupDirs = []string{"hooks", "federation", "server"}

// TestNoServiceLookups keeps the appliance the one place services come from: no non-test
// file of the runtime reads PocketBase's app store (app.Store()), where a service would be
// found by a string key instead of handed over. There is no exception.
func TestNoServiceLookups(t *testing.T) {
	for _, src := range apptest.Sources(t, "..") {
		if !slices.ContainsFunc(lookupDirs, func(dir string) bool { return strings.HasPrefix(src.Rel, dir+"/") }) {
			continue
		}
		ast.Inspect(src.File, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && isStoreLookup(call) {
				t.Errorf("%s: a Store() lookup; hand the service over from server.Appliance instead", src.Pos(call))
			}
			return true
		})
	}
}

// isStoreLookup tells x.Store(), PocketBase's app store (sync.Map's Store takes arguments).
func isStoreLookup(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Store" && len(call.Args) == 0
}
