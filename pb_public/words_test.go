package pbpublic

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"alertbutton/hooks/i18n"
)

var tag = regexp.MustCompile(`<[^>]*>`)

// The pages' own Spanish (what shows before the app's script runs, or without it) speaks
// with tú, as strings.js does (e2e/browser_words_test.go checks those).
func TestPagesSpeakWithTu(t *testing.T) {
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".json")) || strings.HasPrefix(p, "vendor/") {
			return nil
		}
		b, _ := FS.ReadFile(p)
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, `lang="en"`) {
				continue
			}
			if form := i18n.Usted(tag.ReplaceAllString(line, " ")); form != "" {
				t.Errorf("%s:%d speaks with usted (%q): %s", p, i+1, form, strings.TrimSpace(line))
			}
		}
		return nil
	})
}
