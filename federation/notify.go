package federation

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// Timeline events the federation writes (alert_events.type); data holds codes only.
const (
	EventTransferred     = "transferred"
	EventNoteReceived    = "federation_note"
	EventNoteSent        = "federation_note_sent"
	EventRelayDelayed    = "relay_delayed"
	EventRelayEscalated  = "relay_escalated"
	EventRelayDelivered  = "relay_delivered"
	actorConsulatePrefix = "consulate:"
)

// addEvent appends to the alert's timeline, staff-only when asked or when the alert is
// under duress (the registrant's timeline stops at what the phone was shown).
func addEvent(app core.App, alert *core.Record, typ, actor string, staffOnly bool, data map[string]any) error {
	return alerts.AddEvent(app, alert, typ, actor, staffOnly || alert.GetBool("duress"), data)
}

// notice is a push to staff; {city} is the peer consulate's city. Like every push, it
// shows nothing about the person.
type notice struct {
	typ         string
	title, body i18n.Text
}

var (
	msgStaffRelayed = notice{alerts.TypeCreated,
		i18n.Text{ES: "Alerta nueva (vía {city})", EN: "New alert (via {city})"},
		i18n.Text{ES: "El consulado en {city} la envió. Ábrala en el panel.", EN: "Sent by the consulate in {city}. Open it in the admin panel."}}
	msgStaffTransferred = notice{alerts.TypeCreated,
		i18n.Text{ES: "Caso transferido", EN: "Case transferred"},
		i18n.Text{ES: "El consulado en {city} les transfirió un caso. Ábralo en el panel.", EN: "The consulate in {city} transferred a case to you. Open it in the admin panel."}}
	msgStaffCancelled = notice{alerts.TypeStatus,
		i18n.Text{ES: "Alerta cancelada", EN: "Alert cancelled"},
		i18n.Text{ES: "La persona canceló la alerta (aviso de {city}).", EN: "The person cancelled the alert (word from {city})."}}
	msgStaffSafe = notice{alerts.TypeStatus,
		i18n.Text{ES: "Persona a salvo", EN: "Person safe"},
		i18n.Text{ES: "La persona avisó que está a salvo (aviso de {city}).", EN: "The person says they are safe (word from {city})."}}
	msgStaffDuress = notice{alerts.TypeDuress,
		i18n.Text{ES: "URGENTE: PIN de coacción", EN: "URGENT: duress PIN"},
		i18n.Text{ES: "Obligaron a la persona a cancelar (aviso de {city}). La alerta sigue abierta.", EN: "The person was forced to cancel (word from {city}). The alert stays open."}}
	msgStaffNote = notice{alerts.TypeStatus,
		i18n.Text{ES: "Nota de {city}", EN: "Note from {city}"},
		i18n.Text{ES: "Hay una nota nueva de otro consulado sobre una alerta.", EN: "Another consulate sent a note about an alert."}}
	msgStaffEscalated = notice{alerts.TypeDuress,
		i18n.Text{ES: "URGENTE: alerta sin entregar", EN: "URGENT: alert not delivered"},
		i18n.Text{ES: "Una alerta no llega al consulado en {city} desde hace 10 minutos. Llame a ese consulado.", EN: "An alert has not reached the consulate in {city} for 10 minutes. Call that consulate."}}
)

// notifyStaff queues a push to the staff's devices: those on duty, or all of them.
func notifyStaff(app core.App, alert *core.Record, onDutyOnly bool, m notice, peer string) error {
	city := peer
	if c, ok := jurisdiction.ConsulateByCode(peer); ok {
		city = c.City
	}
	r := strings.NewReplacer("{city}", city)
	return alerts.EachStaffDevice(app, onDutyOnly, func(subscriptionID, lang string) error {
		return outbox.Push(app, subscriptionID, push.Payload{
			Type:  m.typ,
			Alert: alert.GetString("uid"),
			Title: r.Replace(m.title.In(lang)),
			Body:  r.Replace(m.body.In(lang)),
			URL:   alerts.StaffURL(alert),
			Lang:  lang,
		})
	})
}
