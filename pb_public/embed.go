// Package pbpublic embeds the web app the appliance serves, so the binary is the whole appliance.
package pbpublic

import "embed"

// FS holds the files served at /.
//
//go:embed index.html
var FS embed.FS
