// Package pbpublic embeds the web app the appliance serves, so the binary is the whole appliance.
package pbpublic

import "embed"

// FS holds the files served at /: the registrant's app, the family page (/family/), the
// advisers' board (/staff/), the service worker, icons and vendored libraries with licences.
//
//go:embed index.html manifest.json sw.js css js screens family staff icons/*.png vendor
var FS embed.FS
