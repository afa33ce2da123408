package alerts

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/push"
)

// Push payload types.
const (
	TypeCreated = "alert.created"
	TypeStatus  = "alert.status"
	TypeDuress  = "alert.duress"     // to staff: the duress PIN (cancel or safe), or a close attempt after it
	TypePINs    = "alert.pin_locked" // to staff: too many wrong PINs
)

// A notice is one kind of notification. Its texts may hold {name} (the registrant's first
// name), {consulate}, {facility} and {kind}; nothing else about the person or the place, so a
// lock screen shows nothing that endangers anyone.
type notice struct {
	typ         string
	title, body i18n.Text
}

// vars are the values a notice's placeholders take in one language.
type vars struct{ name, consulate, facility, kind string }

func (m notice) payload(uid, lang, url string, v vars) push.Payload {
	r := strings.NewReplacer("{name}", v.name, "{consulate}", v.consulate, "{facility}", v.facility, "{kind}", v.kind)
	return push.Payload{
		Type:  m.typ,
		Alert: uid,
		Title: r.Replace(m.title.In(lang)),
		Body:  r.Replace(m.body.In(lang)),
		URL:   url,
		Lang:  lang,
	}
}

// To the registrant (or to the relative who reported).
var (
	msgReceipt = notice{TypeCreated,
		i18n.Text{ES: "Alerta recibida", EN: "Alert received"},
		i18n.Text{ES: "Recibido por el {consulate}.", EN: "Received by the {consulate}."}}
	msgAcknowledged = notice{TypeStatus,
		i18n.Text{ES: "Caso recibido", EN: "Case received"},
		i18n.Text{ES: "Su caso fue recibido por el consulado.", EN: "Your case was received by the consulate."}}
	msgAssigned = notice{TypeStatus,
		i18n.Text{ES: "Asesor asignado", EN: "Adviser assigned"},
		i18n.Text{ES: "Se asignó un abogado o asesor a su caso.", EN: "A lawyer or adviser was assigned to your case."}}
	msgResolved = notice{TypeStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "Liberado: el consulado cerró el caso.", EN: "Released: the consulate closed the case."}}
	msgFalseAlarm = notice{TypeStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "El consulado cerró el caso.", EN: "The consulate closed the case."}}
)

// To relatives.
var (
	msgRelativeButton = notice{TypeCreated,
		i18n.Text{ES: "Alerta de {name}", EN: "Alert from {name}"},
		i18n.Text{ES: "{name} activó el botón de alerta. El consulado ya fue avisado.", EN: "{name} pressed the alert button. The consulate has been told."}}
	msgRelativeReport = notice{TypeCreated,
		i18n.Text{ES: "Alerta sobre {name}", EN: "Alert about {name}"},
		i18n.Text{ES: "Un familiar avisó al consulado que {name} necesita ayuda.", EN: "A relative told the consulate that {name} needs help."}}
	msgRelativeConsulate = notice{TypeCreated,
		i18n.Text{ES: "Alerta sobre {name}", EN: "Alert about {name}"},
		i18n.Text{ES: "El consulado abrió un caso de {name}.", EN: "The consulate opened a case for {name}."}}
	msgRelativeCancelled = notice{TypeStatus,
		i18n.Text{ES: "Alerta cancelada", EN: "Alert cancelled"},
		i18n.Text{ES: "{name} canceló la alerta.", EN: "{name} cancelled the alert."}}
	msgRelativeSafe = notice{TypeStatus,
		i18n.Text{ES: "{name} está a salvo", EN: "{name} is safe"},
		i18n.Text{ES: "{name} avisó que está a salvo o fue liberado. Caso cerrado.", EN: "{name} says they are safe or released. Case closed."}}
	msgRelativeAcknowledged = notice{TypeStatus,
		i18n.Text{ES: "Caso recibido", EN: "Case received"},
		i18n.Text{ES: "El consulado recibió el caso de {name}.", EN: "The consulate received {name}'s case."}}
	msgRelativeAssigned = notice{TypeStatus,
		i18n.Text{ES: "Asesor asignado", EN: "Adviser assigned"},
		i18n.Text{ES: "Se asignó un abogado o asesor al caso de {name}.", EN: "A lawyer or adviser was assigned to {name}'s case."}}
	msgRelativeFacility = notice{TypeStatus,
		i18n.Text{ES: "{name} fue localizado", EN: "{name} was located"},
		i18n.Text{ES: "Localizado en {facility}.", EN: "Located at {facility}."}}
	msgRelativeResolved = notice{TypeStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "{name}: liberado, caso cerrado.", EN: "{name}: released, case closed."}}
	msgRelativeFalseAlarm = notice{TypeStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "El consulado cerró el caso de {name}.", EN: "The consulate closed {name}'s case."}}
)

// To staff.
var (
	msgStaffNew = notice{TypeCreated,
		i18n.Text{ES: "Alerta nueva", EN: "New alert"},
		i18n.Text{ES: "{kind}. Ábrala en el panel.", EN: "{kind}. Open it in the admin panel."}}
	msgStaffCancelled = notice{TypeStatus,
		i18n.Text{ES: "Alerta cancelada", EN: "Alert cancelled"},
		i18n.Text{ES: "La persona canceló la alerta con su PIN.", EN: "The person cancelled the alert with their PIN."}}
	msgStaffSafe = notice{TypeStatus,
		i18n.Text{ES: "Persona a salvo", EN: "Person safe"},
		i18n.Text{ES: "La persona avisó que está a salvo; el caso se cerró.", EN: "The person says they are safe; the case was closed."}}
	msgStaffDuress = notice{TypeDuress,
		i18n.Text{ES: "URGENTE: PIN de coacción", EN: "URGENT: duress PIN"},
		i18n.Text{ES: "Obligaron a la persona a cancelar. La alerta sigue abierta; su teléfono la muestra cancelada.", EN: "The person was forced to cancel. The alert stays open; their phone shows it cancelled."}}
	msgStaffDuressSafe = notice{TypeDuress,
		i18n.Text{ES: "URGENTE: PIN de coacción", EN: "URGENT: duress PIN"},
		i18n.Text{ES: "Obligaron a la persona a decir que está a salvo. La alerta sigue abierta; su teléfono la muestra cerrada.", EN: "The person was forced to say they are safe. The alert stays open; their phone shows it closed."}}
	msgStaffAfterDuress = notice{TypeDuress,
		i18n.Text{ES: "URGENTE: alerta con coacción", EN: "URGENT: alert under duress"},
		i18n.Text{ES: "Alguien intentó cerrar desde el teléfono una alerta marcada con coacción. Sigue abierta.", EN: "Someone tried to close an alert marked under duress from the phone. It stays open."}}
	msgStaffPinLocked = notice{TypePINs,
		i18n.Text{ES: "URGENTE: intentos de PIN", EN: "URGENT: PIN attempts"},
		i18n.Text{ES: "Demasiados PIN incorrectos para cerrar una alerta. Sigue abierta.", EN: "Too many wrong PINs to close an alert. It stays open."}}
)

var kindText = map[string]i18n.Text{
	"detained":       {ES: "Detención", EN: "Detention"},
	"at_risk":        {ES: "Persona en riesgo", EN: "Person at risk"},
	"raid":           {ES: "Redada", EN: "Raid"},
	"checkin_missed": {ES: "Control de llegada vencido", EN: "Missed check-in"},
	"other":          {ES: "Alerta", EN: "Alert"},
}

// Route and API messages.
var (
	msgNotFound     = i18n.Text{ES: "No encontramos esa alerta.", EN: "We did not find that alert."}
	msgUIDTaken     = i18n.Text{ES: "Ese identificador (uid) ya se usó. Envíe la alerta sin uid.", EN: "That identifier (uid) is already in use. Send the alert without a uid."}
	msgInvalid      = i18n.Text{ES: "Revise los datos marcados.", EN: "Check the marked fields."}
	msgSaveFailed   = i18n.Text{ES: "No se pudo guardar la alerta. Intente de nuevo o llame al +1 520 623 7874.", EN: "The alert could not be saved. Try again or call +1 520 623 7874."}
	msgUnknownLink  = i18n.Text{ES: "Este enlace ya no es válido. Pida uno nuevo a su familiar.", EN: "This link is no longer valid. Ask your relative for a new one."}
	msgWrongPIN     = i18n.Text{ES: "PIN incorrecto. Le quedan {n} intentos.", EN: "Wrong PIN. {n} tries left."}
	msgPinLocked    = i18n.Text{ES: "Demasiados intentos. La alerta sigue activa; llame al consulado.", EN: "Too many tries. The alert is still active; call the consulate."}
	msgAppendOnly   = i18n.Text{ES: "La línea de tiempo de una alerta no se puede cambiar ni borrar.", EN: "An alert's timeline cannot be changed or deleted."}
	msgNoDelete     = i18n.Text{ES: "Las alertas no se borran; ciérrelas como resueltas o falsa alarma.", EN: "Alerts are not deleted; close them as resolved or false alarm."}
	msgStale        = i18n.Text{ES: "La alerta cambió mientras la editaba. Recárguela y vuelva a intentar.", EN: "The alert changed while you were editing it. Reload it and try again."}
	msgBadStatus    = i18n.Text{ES: "Ese cambio de estado no está permitido: nuevo → reconocido → en proceso → resuelto o falsa alarma. Solo la persona cancela.", EN: "That status change is not allowed: new → acknowledged → in progress → resolved or false alarm. Only the person cancels."}
	msgLocked       = i18n.Text{ES: "Este campo no se puede cambiar.", EN: "This field cannot be changed."}
	msgStaffSource  = i18n.Text{ES: "El personal registra alertas con origen «staff» (llamada) o «walkin» (en persona).", EN: "Staff record alerts with source \"staff\" (phone call) or \"walkin\" (in person)."}
	msgNewOnly      = i18n.Text{ES: "Una alerta nueva empieza con estado «new».", EN: "A new alert starts with status \"new\"."}
	msgSubjectName  = i18n.Text{ES: "Indique el nombre de la persona, o elija a la persona registrada.", EN: "Give the person's name, or choose the registered person."}
	msgUnknownCode  = i18n.Text{ES: "Código de consulado desconocido.", EN: "Unknown consulate code."}
	msgNoDuressFlag = i18n.Text{ES: "La coacción solo se marca con el PIN de la persona.", EN: "Duress is only set by the person's PIN."}
)

// createdNotice is what relatives are told of a new alert, by who raised it.
func createdNotice(alert *core.Record) notice {
	switch alert.GetString("source") {
	case SourceButton:
		return msgRelativeButton
	case SourceFamily:
		return msgRelativeReport
	}
	return msgRelativeConsulate
}
