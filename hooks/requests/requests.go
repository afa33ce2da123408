// Package requests refuses request bodies that are not UTF-8 text. Go's JSON decoder would
// quietly turn such bytes into U+FFFD and PocketBase would store them, so an adviser would read
// a garbled note or name; a 400 tells the sender instead.
package requests

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/hooks/i18n"
)

var msgNotUTF8 = i18n.Text{
	ES: "La solicitud no es texto UTF-8 válido. Vuelve a enviarla desde la aplicación.",
	EN: "The request is not valid UTF-8 text. Send it again from the app.",
}

// Bind checks every text body, after PocketBase's body size limit.
func Bind(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "alertbuttonUTF8", Func: middleware, Priority: apis.DefaultBodyLimitMiddlewarePriority + 1,
		})
		return se.Next()
	})
}

func middleware(e *core.RequestEvent) error {
	if e.Request.Body == nil || e.Request.Body == http.NoBody || !isText(e.Request.Header.Get("Content-Type")) {
		return e.Next()
	}
	body := e.Request.Body
	raw, err := io.ReadAll(body)
	if err != nil {
		return e.Next() // the body limit's error, or a broken connection: the route answers it
	}
	if _, ok := body.(router.Rereader); !ok {
		e.Request.Body = io.NopCloser(bytes.NewReader(raw))
	}
	if !utf8.Valid(raw) {
		return e.BadRequestError(msgNotUTF8.In(i18n.Lang(e)), nil)
	}
	return e.Next()
}

// isText is a JSON, form or text body, or one without a type (read as JSON by the routes).
func isText(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return true
	}
	switch {
	case mt == "application/json", mt == "application/x-www-form-urlencoded", len(mt) > 5 && mt[:5] == "text/":
		return true
	}
	return len(mt) > 5 && mt[len(mt)-5:] == "+json"
}
