package audit_test

import (
	"net/http"
	"strings"
	"testing"

	"alertbutton/hooks/apptest"
)

// TestStaffAreAnsweredOnlyOnceAudited breaks audit_log and checks that staff reads and
// writes of a person answer an error that holds nothing of the person, and change nothing.
func TestStaffAreAnsweredOnlyOnceAudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.breakAudit()
	id := w.registrant.Id
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/collections/registrants/records/" + id, ""},
		{http.MethodGet, "/api/collections/registrants/records", ""},
		{http.MethodGet, "/api/collections/registrants/records?filter=" + "phone%3D%22%2B13105550150%22", ""},
		{http.MethodPatch, "/api/collections/registrants/records/" + id, `{"name":"Ana Cambiada"}`},
	} {
		status, body := w.call(c.method, c.path, c.body)
		if status != http.StatusInternalServerError || !strings.Contains(body, "audit log could not be written") {
			t.Errorf("%s %s with the audit log broken: %d %s", c.method, c.path, status, body)
		}
		for _, personal := range []string{"+13105550150", "Ana", id} {
			if strings.Contains(body, personal) {
				t.Errorf("%s %s answered %q without auditing it: %s", c.method, c.path, personal, body)
			}
		}
	}
	if got := apptest.Find(t, w.app, "registrants", id).GetString("name"); got != "Ana Secreta" {
		t.Errorf("an unaudited update was kept: name is %q", got)
	}
}

// TestStaffWriteAndItsAuditRowCommitTogether checks the audit row of a staff write is in
// the write's transaction: both are there, or (above) neither.
func TestStaffWriteAndItsAuditRowCommitTogether(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	status, body := w.call(http.MethodPatch, "/api/collections/registrants/records/"+w.registrant.Id, `{"name":"Ana Cambiada"}`)
	if status != 200 || !strings.Contains(body, "Ana Cambiada") {
		t.Fatalf("update: %d %s", status, body)
	}
	if !w.audited("update", w.registrant) {
		t.Error("the update was not audited")
	}
}

// TestExpandedRecordsAreAudited: a record shown inside another (expand) is read too.
func TestExpandedRecordsAreAudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	contact := apptest.Contact(t, w.app, w.registrant, nil)
	status, body := w.call(http.MethodGet, "/api/collections/contacts/records?expand=registrant", "")
	if status != 200 || !strings.Contains(body, "+13105550150") {
		t.Fatalf("list: %d %s", status, body)
	}
	if !w.audited("list", contact) || !w.audited("list", w.registrant) {
		t.Errorf("listed contact audited: %v, expanded registrant audited: %v", w.audited("list", contact), w.audited("list", w.registrant))
	}
}
