// Package ready is GET /api/alertbutton/ready, for load balancers and monitors: whether the
// appliance can take an alert now. It needs no sign-in and tells nothing personal.
package ready

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/disk"
	"alertbutton/hooks/replication"
)

// ProbeTable is the one-row table the database check writes to, in a transaction it rolls
// back (migrations/1764002700_ready_probe.go makes it).
const ProbeTable = "_alertbutton_ready"

// Ready checks the database, the disk and the replication.
type Ready struct {
	Floor uint64 // free bytes under which the disk check fails
	// Free reads the disk; tests replace it.
	Free disk.FreeFunc
}

// New is the check of a disk floor of floor bytes.
func New(floor uint64) *Ready {
	return &Ready{Floor: floor, Free: disk.Free}
}

// Check is one check's outcome; Problem, in both languages, says what to do when it failed.
type Check struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem,omitempty"`
	ES      string `json:"problemEs,omitempty"`
}

// Route answers 200 when every check passes, 503 with the failed ones otherwise.
func (r *Ready) Route(e *core.RequestEvent) error {
	checks := []Check{r.database(e.App), r.disk(e.App.DataDir()), replicationCheck()}
	var failed []string
	for _, c := range checks {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	status := http.StatusOK
	if len(failed) > 0 {
		status = http.StatusServiceUnavailable
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(status, map[string]any{"ready": len(failed) == 0, "failed": failed, "checks": checks})
}

var errRollback = errors.New("ready: roll back the probe")

// database writes a row in a transaction and rolls it back: a database that cannot be
// written (read-only, locked out, its file gone) fails here, not on the next alert.
func (r *Ready) database(app core.App) Check {
	err := app.RunInTransaction(func(tx core.App) error {
		_, err := tx.DB().Insert(ProbeTable, dbx.Params{"id": 1, "at": time.Now().UTC().Format(time.RFC3339Nano)}).Execute()
		if err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return Check{Name: "database", OK: true}
	}
	app.Logger().Error("ready: the database cannot be written", "error", err)
	return Check{Name: "database",
		Problem: "The database cannot be written (" + err.Error() + "): check the data directory's disk, its owner and its mode.",
		ES:      "No se puede escribir en la base de datos (" + err.Error() + "): revisa el disco del directorio de datos, su dueño y sus permisos."}
}

func (r *Ready) disk(dir string) Check {
	free, err := r.Free(dir)
	if err != nil {
		return Check{Name: "disk",
			Problem: "The free space of the data directory cannot be read (" + err.Error() + ").",
			ES:      "No se puede leer el espacio libre del directorio de datos (" + err.Error() + ")."}
	}
	if free < r.Floor {
		return Check{Name: "disk",
			Problem: fmt.Sprintf("Only %d MB free on the data directory's disk, below the floor of %d MB (--disk-floor): free space or grow the disk.", free>>20, r.Floor>>20),
			ES:      fmt.Sprintf("Solo quedan %d MB libres en el disco del directorio de datos, menos del mínimo de %d MB (--disk-floor): libera espacio o amplía el disco.", free>>20, r.Floor>>20)}
	}
	return Check{Name: "disk", OK: true}
}

// replicationCheck fails only when replication is on and stalled: off is a choice, said by
// the metrics (alertbutton_replication_on).
func replicationCheck() Check {
	s := replication.Current()
	if s.On && s.Stalled {
		return Check{Name: "replication",
			Problem: fmt.Sprintf("The replication stalled (%s behind): alerts taken now could be lost with this machine. Check the replica's address and credentials (serve --replicate).", s.Lag.Round(time.Second)),
			ES:      fmt.Sprintf("La replicación se detuvo (%s de atraso): las alertas que entren ahora podrían perderse con esta máquina. Revisa la dirección y las credenciales de la réplica (serve --replicate).", s.Lag.Round(time.Second))}
	}
	return Check{Name: "replication", OK: true}
}
