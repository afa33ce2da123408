package family

import (
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Path is where the family routes live.
const Path = "/api/alertbutton/family"

// redacted stands for a token in the logged path.
const redacted = "{token}"

// tokenFree are the family paths that hold no token (it is in the Header).
var tokenFree = []string{Path + "/subscriptions", Path + "/alerts"}

// Redactor keeps family tokens out of the request log (auxiliary.db and the logs API): it
// runs inside PocketBase's activity logger, before every other middleware, and once the
// request is answered, however it ended, it puts a path without the token where the logger
// reads it. It covers every path under Path, a mistyped or unknown one included, so it is
// bound on the whole router, not on the family routes.
func Redactor() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "alertbuttonFamilyRedact",
		Priority: apis.DefaultActivityLoggerMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			defer func() {
				if p, ok := redact(e.Request.URL.Path); ok {
					e.Request.URL = &url.URL{Path: p}
				}
			}()
			return e.Next()
		},
	}
}

// redact returns path with the token after Path replaced, and whether path is under Path
// (the query is then dropped as well).
func redact(path string) (string, bool) {
	prefix := Path + "/"
	switch {
	case strings.EqualFold(path, Path):
		return path, true
	case len(path) < len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix):
		return path, false
	}
	for _, p := range tokenFree {
		if strings.EqualFold(path, p) {
			return path, true
		}
	}
	rest := path[len(prefix):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return prefix + redacted + rest[i:], true
	}
	return prefix + redacted, true
}
