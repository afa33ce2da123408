package alerts_test

import (
	"alertbutton/hooks/apptest"
	"go/ast"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyRaiseMakesAlerts: the appliance makes an alert record in one place, Draft.record
// (Raise), whatever the source; a second place that makes one would skip the first timeline
// event, the notices or the route. The benchmark's stock PocketBase and the migrations are
// not the appliance.
func TestOnlyRaiseMakesAlerts(t *testing.T) {
	t.Parallel()
	var makers []string
	for _, src := range apptest.Sources(t, filepath.Join("..", ".."), "bench", "migrations") {
		ast.Inspect(src.File, func(n ast.Node) bool {
			if findsAlertsCollection(n) {
				makers = append(makers, src.Rel)
			}
			return true
		})
	}
	if len(makers) != 1 || makers[0] != "hooks/alerts/draft.go" {
		t.Errorf("alert records are made in %v, want only hooks/alerts/draft.go (Raise)", makers)
	}
}

// findsAlertsCollection tells a call of app.Find(Cached)CollectionByNameOrId("alerts"): the
// first step of making an alert record.
func findsAlertsCollection(n ast.Node) bool {
	call, ok := n.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	lit, isLit := call.Args[0].(*ast.BasicLit)
	return ok && isLit && strings.HasSuffix(sel.Sel.Name, "CollectionByNameOrId") && lit.Value == `"alerts"`
}
