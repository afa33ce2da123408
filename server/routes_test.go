package server_test

import (
	"go/ast"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
)

// routeMethods are the router's methods that declare a route (or a group of them).
var routeMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "SEARCH", "Any", "Route", "Group"}

// TestRoutesAreDeclaredInRoutesGo: no package outside server declares a route on the
// router; each exports its handlers and server/routes.go declares them all.
func TestRoutesAreDeclaredInRoutesGo(t *testing.T) {
	t.Parallel()
	for _, src := range apptest.Sources(t, "..", "server") {
		ast.Inspect(src.File, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !slices.Contains(routeMethods, sel.Sel.Name) {
				return true
			}
			if router, ok := sel.X.(*ast.SelectorExpr); ok && router.Sel.Name == "Router" {
				t.Errorf("%s declares a route (Router.%s): declare it in server/routes.go", src.Rel, sel.Sel.Name)
			}
			return true
		})
	}
}

// countingBody counts the bytes read from a request's body.
type countingBody struct {
	io.ReadCloser
	n *int
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	*b.n += n
	return n, err
}

// TestPressBodyIsReadOnce: the alert limiter (which needs the uid before the route runs) and
// the route share one read, and so one decoding, of the press's body. It fails when either
// reads the body for itself.
func TestPressBodyIsReadOnce(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	read := map[string]*int{}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// After PocketBase's body limit and the UTF-8 check, which read bytes, decode nothing.
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Priority: apis.DefaultBodyLimitMiddlewarePriority + 2,
			Func: func(e *core.RequestEvent) error {
				n := new(int)
				read[e.Request.Pattern] = n
				e.Request.Body = countingBody{e.Request.Body, n}
				return e.Next()
			},
		})
		return se.Next()
	})
	h := apptest.Handler(t, app)

	registrant, token := newRegistrant(t, app)
	relative := newRelative(t, app, registrant)
	for _, press := range []struct {
		pattern, url, token, header, body string
	}{
		{"POST /api/alertbutton/alerts", "/api/alertbutton/alerts", token, "",
			`{"uid":"0192f3a4-5b6c-7d8e-9f01-23456789abcd","kind":"detained","zip":"90012"}`},
		{"POST /api/alertbutton/family/alerts", family.Path + "/alerts", "", relative,
			`{"uid":"0192f3a4-5b6c-7d8e-9f01-23456789abce","kind":"detained","place":"Los Ángeles"}`},
		{"POST /api/alertbutton/family/{token}/alerts", family.Path + "/" + relative + "/alerts", "", "",
			`{"uid":"0192f3a4-5b6c-7d8e-9f01-23456789abcf","kind":"detained"}`},
	} {
		req := httptest.NewRequest(http.MethodPost, press.url, strings.NewReader(press.body))
		req.Header.Set("Content-Type", "application/json")
		if press.token != "" {
			req.Header.Set("Authorization", press.token)
		}
		if press.header != "" {
			req.Header.Set(family.Header, press.header)
		}
		res := httptest.NewRecorder()
		h.ServeHTTP(res, req)
		if res.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", press.pattern, res.Code, res.Body)
		}
		if n := read[press.pattern]; n == nil || *n != len(press.body) {
			t.Errorf("%s: %d bytes read of a body of %d, want it read once", press.pattern, deref(n), len(press.body))
		}
	}
}

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func newRegistrant(t *testing.T, app core.App) (*core.Record, string) {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("registrants")
	r := core.NewRecord(c)
	r.Set("phone", "+13105550101")
	r.Set("name", "Persona de Prueba")
	r.Set("language", "es")
	r.Set("consent", true)
	r.Set("zip", "90012")
	r.SetPassword("contraseña-larga-1")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r, apptest.Token(t, r)
}

func newRelative(t *testing.T, app core.App, owner *core.Record) string {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("contacts")
	r := core.NewRecord(c)
	r.Set("registrant", owner.Id)
	r.Set("name", "Rosa López")
	r.Set("language", "es")
	token, hash := family.NewToken()
	r.Set("family_token_hash", hash)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return token
}

// TestAppIsServedWithSecurityHeaders: the embedded app is served at /, with its headers.
func TestAppIsServedWithSecurityHeaders(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	h := apptest.Handler(t, app)
	for _, url := range []string{"/", "/family/", "/staff/"} {
		res := httptest.NewRecorder()
		h.ServeHTTP(res, httptest.NewRequest(http.MethodGet, url, nil))
		if res.Code != http.StatusOK || !strings.Contains(res.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			res.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %d %v", url, res.Code, res.Header())
		}
	}
}
