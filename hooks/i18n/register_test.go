package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"alertbutton/hooks/i18n"
)

// texts are the messages in both languages (an i18n.Text, or any literal with ES and EN
// fields) written in the appliance's Go source, by file:line.
func texts(t *testing.T) map[string][2]string {
	t.Helper()
	root := filepath.Join("..", "..")
	found := map[string][2]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "pb_data") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			var es, en string
			var hasES, hasEN bool
			for _, e := range lit.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				key, ok := kv.Key.(*ast.Ident)
				if !ok {
					continue
				}
				switch key.Name {
				case "ES":
					es, hasES = constString(kv.Value)
				case "EN":
					en, hasEN = constString(kv.Value)
				}
			}
			if hasES || hasEN {
				found[fset.Position(lit.Pos()).String()] = [2]string{es, en}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 50 {
		t.Fatalf("found only %d texts in the source: the walk is broken", len(found))
	}
	return found
}

// constString is the value of a string literal or a sum of them.
func constString(e ast.Expr) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(v.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(v.X)
		b, ok2 := constString(v.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constString(v.X)
	}
	return "", false
}

var placeholder = regexp.MustCompile(`\{[a-zA-Z_]+\}|%[sdv]`)

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return p
}

// Every message the server writes for a person is in both languages, with the same
// placeholders, and its Spanish speaks with tú.
func TestEveryServerMessageIsInBothLanguagesWithTu(t *testing.T) {
	for at, text := range texts(t) {
		es, en := text[0], text[1]
		if es == "" || en == "" {
			if es != "" || en != "" {
				t.Errorf("%s: a message in one language only: ES %q, EN %q", at, es, en)
			}
			continue // a literal the test cannot read (built at run time)
		}
		if form := i18n.Usted(es); form != "" {
			t.Errorf("%s: %q speaks with usted (%q): write it with tú", at, es, form)
		}
		if p, q := placeholders(es), placeholders(en); !slices.Equal(p, q) {
			t.Errorf("%s: placeholders differ: ES %v, EN %v", at, p, q)
		}
	}
}
