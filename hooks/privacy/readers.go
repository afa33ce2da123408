package privacy

import (
	"github.com/pocketbase/pocketbase/core"
)

// Staff roles (DESIGN.md section 4). A superuser without a role was made from the command
// line and is IT.
const (
	RoleIT      = "it"
	RoleConsul  = "consul"
	RoleAdviser = "adviser"
)

// StaffRole returns the role of a superuser, or "" for anyone else.
func StaffRole(auth *core.Record) string {
	if auth == nil || !auth.IsSuperuser() {
		return ""
	}
	if role := auth.GetString("role"); role != "" {
		return role
	}
	return RoleIT
}

// ReadsPersonalData tells whether a staff role may see sealed fields: advisers and consuls
// do; IT runs the machine and does not.
func ReadsPersonalData(role string) bool {
	return role == RoleAdviser || role == RoleConsul
}

// staffOnly are sealed fields (collection.field) that the registrant never sees back: the
// advisers' notes, and the place as the advisers keep it (they may correct it).
var staffOnly = map[string]bool{"case_notes.body": true, "alerts.place": true}

// nobodyReads are sealed fields opened for no reader, staff included: only the server uses
// them (a relative's family link token, for the SMS that carries it and for family.ShowLink,
// which gives the registrant back the link they were shown).
var nobodyReads = map[string]bool{"family_token_sealed": true}

// mayRead returns which sealed fields of r the requester may see.
func mayRead(info *core.RequestInfo, r *core.Record) map[string]bool {
	allowed := map[string]bool{}
	if info == nil || info.Auth == nil {
		return allowed
	}
	staff := ReadsPersonalData(StaffRole(info.Auth))
	owner := !info.Auth.IsSuperuser() && ownerOf(r) == info.Auth.Id
	name := r.Collection().Name
	for _, field := range SealedFields[name] {
		allowed[field] = !nobodyReads[field] && (staff || (owner && !staffOnly[name+"."+field]))
	}
	return allowed
}

// ownerOf is the registrant a record belongs to.
func ownerOf(r *core.Record) string {
	if r.Collection().Name == "registrants" {
		return r.Id
	}
	return r.GetString("registrant")
}
