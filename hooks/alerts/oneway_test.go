package alerts_test

import (
	"io/fs"
	"os"
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
	root := filepath.Join("..", "..")
	var makers []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && rel != "." {
			if rel == "bench" || rel == "migrations" || strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), `CollectionByNameOrId("alerts")`) {
			makers = append(makers, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(makers) != 1 || makers[0] != "hooks/alerts/draft.go" {
		t.Errorf("alert records are made in %v, want only hooks/alerts/draft.go (Raise)", makers)
	}
}
