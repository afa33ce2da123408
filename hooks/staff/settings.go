package staff

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/privacy"
)

// uiSettings is the only setting advisers and consuls read: the admin UI asks for the
// settings on every load for its name and colour (and shows a refusal otherwise). The rest
// (mail, backups, trusted proxies, limits) is IT's.
func uiSettings(e *core.SettingsListRequestEvent) error {
	if role := privacy.StaffRole(e.Auth); role == "" || role == privacy.RoleIT {
		return e.Next()
	}
	m := e.Settings.Meta
	return e.JSON(http.StatusOK, map[string]any{"meta": map[string]any{
		"appName": m.AppName, "appURL": m.AppURL, "accentColor": m.AccentColor, "hideControls": m.HideControls,
	}})
}

// readsUISettings is a staff read of the settings, answered by uiSettings by role.
func readsUISettings(method, path string) bool {
	return (method == http.MethodGet || method == http.MethodHead) && path == "/api/settings"
}
