// Package storage tells people and IT plainly when the server is out of disk space, instead
// of a bare 500 (or PocketBase's 400 "Failed to create record."): SQLite's SQLITE_FULL, from
// any route, becomes 507 Insufficient Storage with a message a person can act on.
package storage

import (
	"errors"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/hooks/i18n"
)

// sqliteFull is SQLite's primary result code SQLITE_FULL.
const sqliteFull = 13

var msgFull = i18n.Text{
	ES: "El servidor del consulado se quedó sin espacio en disco y no pudo guardar esto; llama al +1 520 623 7874. " +
		"Personal de informática: libera espacio en el disco de pb_data; el servicio se recupera solo.",
	EN: "The consulate's server is out of disk space and could not save this; call +1 520 623 7874. " +
		"IT: free space on the disk that holds pb_data; the service recovers by itself.",
}

// Bind maps disk-full errors of every request to 507. It runs just inside PocketBase's
// request logger, so it sees the error of every other middleware and route, and the log
// records the 507.
func Bind(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "alertbuttonDiskFull", Func: middleware, Priority: apis.DefaultActivityLoggerMiddlewarePriority + 1,
		})
		return se.Next()
	})
}

func middleware(e *core.RequestEvent) error {
	err := e.Next()
	if err == nil || !IsDiskFull(err) {
		return err
	}
	e.App.Logger().Error("storage: the disk is full; a request could not be saved", "path", e.Request.URL.Path, "error", err)
	lang := i18n.Lang(e)
	return e.Error(http.StatusInsufficientStorage, msgFull.In(lang),
		validation.Errors{"storage": validation.NewError("disk_full", msgFull.In(lang))})
}

// IsDiskFull tells whether err, or the error an API error wraps, is SQLite's SQLITE_FULL or
// the system's "no space left on device".
func IsDiskFull(err error) bool {
	for depth := 0; err != nil && depth < 8; depth++ {
		var coder interface{ Code() int }
		if errors.As(err, &coder) && coder.Code()&0xff == sqliteFull {
			return true
		}
		msg := err.Error()
		if strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device") {
			return true
		}
		var api *router.ApiError
		if !errors.As(err, &api) {
			return false
		}
		inner, ok := api.RawData().(error)
		if !ok || inner == err {
			return false
		}
		err = inner
	}
	return false
}
