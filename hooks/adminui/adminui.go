// Package adminui extends PocketBase's admin UI for the staff who still work in it: each
// role sees the sections it may open (advisers and consuls neither logs nor settings), and
// a case record links to the desk, its timeline, its notes and the person's relatives.
package adminui

import (
	"embed"
	"io/fs"

	"github.com/pocketbase/pocketbase/core"
)

//go:embed ui
var files embed.FS

// Bind adds the extension to the admin UI; PocketBase serves it as /_/extensions.js.
func Bind(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		ui, err := fs.Sub(files, "ui")
		if err != nil {
			return err
		}
		// Before PocketBase binds the extensions' routes (at priority 9999).
		se.UIExtensions = append(se.UIExtensions, core.UIExtension{Name: "alertbutton", FS: ui})
		return se.Next()
	})
}
