package schedule

import (
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
)

// AnchorAudit signs the audit chain's head with the appliance's key and writes the line to
// out (the process's standard output, which the host's journal keeps and may ship off the
// machine) and to the app log. Whoever keeps a line can later check the log against it
// (GET /api/alertbutton/audit/verify?anchor=LINE).
func AnchorAudit(app core.App, cfg *appliance.Config, out io.Writer, now time.Time) (int, error) {
	a, err := audit.SignHead(app, cfg.Keys().Signer(), now)
	if err != nil {
		return 0, err
	}
	line := a.String()
	app.Logger().Info("audit head", "anchor", line)
	if _, err := fmt.Fprintln(out, line); err != nil {
		return 0, err
	}
	return 1, nil
}
