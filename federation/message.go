package federation

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/privacy"
)

// message is an envelope's sealed plaintext: only what the destination needs to act, and
// never anything about the person's relatives.
type message struct {
	// alert.created and alert.transfer: the person and the case.
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Language  string `json:"language,omitempty"`
	BirthDate string `json:"birth_date,omitempty"`
	Location  string `json:"location,omitempty"`
	Note      string `json:"note,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Source    string `json:"source,omitempty"`
	Origin    string `json:"origin,omitempty"` // where the alert was raised

	// Every type but alert.note: the case's state as the writer holds it.
	Status   string `json:"status,omitempty"`
	Duress   bool   `json:"duress,omitempty"`
	Facility string `json:"facility,omitempty"`

	// alert.note: a note from the advisers of one side to the other's.
	Text string `json:"text,omitempty"`
}

// stateMessage is the case's state: status, duress and where the person is held (by name:
// each consulate keeps its own list of facilities).
func stateMessage(app core.App, alert *core.Record) (*message, error) {
	facility, err := alerts.FacilityName(app, alert.GetString("facility"))
	if err != nil {
		return nil, err
	}
	return &message{
		Status:   alert.GetString("status"),
		Duress:   alert.GetBool("duress"),
		Facility: facility,
	}, nil
}

// caseMessage is the whole case, for a consulate that does not hold it yet: the person from
// their registrant record (or, on a copy, from the copy) and the alert's sealed fields.
func caseMessage(app core.App, cfg *appliance.Config, alert *core.Record) (*message, error) {
	m, err := stateMessage(app, alert)
	if err != nil {
		return nil, err
	}
	m.Kind = alert.GetString("kind")
	m.Source = alert.GetString("source")
	m.Origin = alert.GetString("origin_consulate")
	open := func(r *core.Record, field string) string {
		v, oerr := privacy.Open(cfg.Sealer(), r, field)
		if oerr != nil && err == nil {
			err = oerr
		}
		return v
	}
	m.Location = open(alert, "location")
	m.Note = open(alert, "note")
	name := open(alert, "subject_name")
	m.Phone = open(alert, "subject_phone")
	m.BirthDate = open(alert, "subject_birth_date")
	m.Language = alert.GetString("subject_language")
	if id := alert.GetString("registrant"); id != "" {
		reg, ferr := app.FindRecordById("registrants", id)
		if ferr != nil {
			return nil, ferr
		}
		name = reg.GetString("name")
		m.Phone = reg.GetString("phone")
		m.Language = reg.GetString("language")
		m.BirthDate = open(reg, "birth_date")
	}
	m.FirstName, m.LastName = splitName(name)
	return m, err
}

// splitName takes the first word as the first name and the rest as the last name.
func splitName(name string) (first, last string) {
	f := strings.Fields(name)
	if len(f) == 0 {
		return "", ""
	}
	return f[0], strings.Join(f[1:], " ")
}

func (m *message) fullName() string {
	return strings.TrimSpace(m.FirstName + " " + m.LastName)
}

// envelopeType names what a status row carries: a cancellation and a "safe" are statuses
// the receiving advisers are told about as such.
func envelopeType(app core.App, rowType string, alert *core.Record) string {
	if rowType != protocol.TypeStatus {
		return rowType
	}
	switch alert.GetString("status") {
	case alerts.StatusCancelled:
		return protocol.TypeCancelled
	case alerts.StatusResolved:
		if n, _ := app.CountRecords("alert_events", dbx.HashExp{"alert": alert.Id, "type": alerts.EventReleased}); n > 0 {
			return protocol.TypeSafe
		}
	}
	return protocol.TypeStatus
}

func routeOf(alert *core.Record) protocol.Route {
	return protocol.Route{
		CountyGeoid: alert.GetString("county_geoid"),
		Basis:       alert.GetString("route_basis"),
		Target:      alert.GetString("target_consulate"),
		Home:        alert.GetString("home_consulate"),
	}
}
