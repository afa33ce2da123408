package access_test

import (
	"slices"

	"alertbutton/hooks/audit"
)

// staffAudited reports whether a staff caller's action on a personal record left its audit
// row: true for anyone else, and for what is not personal data.
func (w *world) staffAudited(caller, action, collection, id string) bool {
	w.t.Helper()
	staff := map[string]string{adviser: w.adviser.Id, consul: w.consul.Id, it: w.it.Id}[caller]
	if staff == "" || !slices.Contains(audit.PersonalCollections, collection) {
		return true
	}
	rows, err := w.app.FindRecordsByFilter("audit_log", "actor = {:a} && action = {:act} && collection = {:c} && record_id = {:id}", "", 1, 0,
		map[string]any{"a": "staff:" + staff, "act": action, "c": collection, "id": id})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(rows) > 0
}
