package notify

import (
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/i18n"
)

// Push types. An alert's creation and status changes are vocab's MessageCreated and
// MessageStatus, the names the federation's envelopes give them.
const (
	TypeDuress    = "alert.duress"     // to staff: the duress PIN (cancel or safe), or a close attempt after it
	TypePINs      = "alert.pin_locked" // to staff: too many wrong PINs
	TypeEscalated = "alert.escalated"  // to staff: nobody acknowledged an alert in time
	// TypeEscalatedConsul is the second step's (to the consuls): each step's rows are told
	// apart by their type, to learn whether the step reached anyone.
	TypeEscalatedConsul = "alert.escalated_consul"
	TypeNobodyReached   = "alert.nobody_reached" // to the consuls: an escalation step reached nobody

	TypeStaffCreated     = "staff.created"
	TypeStaffRoleChanged = "staff.role_changed"
	TypeStaffCredentials = "staff.credentials_changed"
	TypeStaffDeleted     = "staff.deleted"
)

// To the registrant (or to the relative who reported).
var (
	Receipt = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Alerta recibida", EN: "Alert received"},
		i18n.Text{ES: "Recibido por el {consulate}.", EN: "Received by the {consulate}."}}
	Acknowledged = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Caso recibido", EN: "Case received"},
		i18n.Text{ES: "El consulado recibió tu caso.", EN: "Your case was received by the consulate."}}
	Assigned = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Asesor asignado", EN: "Adviser assigned"},
		i18n.Text{ES: "Un abogado o asesor ya lleva tu caso.", EN: "A lawyer or adviser was assigned to your case."}}
	Resolved = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "Liberado: el consulado cerró el caso.", EN: "Released: the consulate closed the case."}}
	FalseAlarm = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "El consulado cerró el caso.", EN: "The consulate closed the case."}}
)

// To relatives.
var (
	RelativeButton = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Alerta de {name}", EN: "Alert from {name}"},
		i18n.Text{ES: "{name} activó el botón de alerta. El consulado ya fue avisado.", EN: "{name} pressed the alert button. The consulate has been told."}}
	RelativeReport = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Alerta sobre {name}", EN: "Alert about {name}"},
		i18n.Text{ES: "Un familiar avisó al consulado que {name} necesita ayuda.", EN: "A relative told the consulate that {name} needs help."}}
	RelativeConsulate = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Alerta sobre {name}", EN: "Alert about {name}"},
		i18n.Text{ES: "El consulado abrió un caso de {name}.", EN: "The consulate opened a case for {name}."}}
	RelativeCancelled = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Alerta cancelada", EN: "Alert cancelled"},
		i18n.Text{ES: "{name} canceló la alerta.", EN: "{name} cancelled the alert."}}
	RelativeSafe = Notice{vocab.MessageStatus,
		i18n.Text{ES: "{name} está a salvo", EN: "{name} is safe"},
		i18n.Text{ES: "{name} avisó que está a salvo o fue liberado. Caso cerrado.", EN: "{name} says they are safe or released. Case closed."}}
	RelativeAcknowledged = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Caso recibido", EN: "Case received"},
		i18n.Text{ES: "El consulado recibió el caso de {name}.", EN: "The consulate received {name}'s case."}}
	RelativeAssigned = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Asesor asignado", EN: "Adviser assigned"},
		i18n.Text{ES: "Se asignó un abogado o asesor al caso de {name}.", EN: "A lawyer or adviser was assigned to {name}'s case."}}
	RelativeFacility = Notice{vocab.MessageStatus,
		i18n.Text{ES: "{name} fue localizado", EN: "{name} was located"},
		i18n.Text{ES: "Localizado en {facility}.", EN: "Located at {facility}."}}
	RelativeResolved = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "{name}: liberado, caso cerrado.", EN: "{name}: released, case closed."}}
	RelativeFalseAlarm = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Caso cerrado", EN: "Case closed"},
		i18n.Text{ES: "El consulado cerró el caso de {name}.", EN: "The consulate closed {name}'s case."}}
)

// To staff, of what happens here. Like every push to staff, they name nobody.
var (
	StaffNew = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Alerta nueva", EN: "New alert"},
		i18n.Text{ES: "{kind}. Ábrela en el panel.", EN: "{kind}. Open it in the admin panel."}}
	StaffCancelled = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Alerta cancelada", EN: "Alert cancelled"},
		i18n.Text{ES: "La persona canceló la alerta con su PIN.", EN: "The person cancelled the alert with their PIN."}}
	StaffSafe = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Persona a salvo", EN: "Person safe"},
		i18n.Text{ES: "La persona avisó que está a salvo; el caso se cerró.", EN: "The person says they are safe; the case was closed."}}
	StaffDuress = Notice{TypeDuress,
		i18n.Text{ES: "URGENTE: PIN de coacción", EN: "URGENT: duress PIN"},
		i18n.Text{ES: "Obligaron a la persona a cancelar. La alerta sigue abierta; su teléfono la muestra cancelada.", EN: "The person was forced to cancel. The alert stays open; their phone shows it cancelled."}}
	StaffDuressSafe = Notice{TypeDuress,
		i18n.Text{ES: "URGENTE: PIN de coacción", EN: "URGENT: duress PIN"},
		i18n.Text{ES: "Obligaron a la persona a decir que está a salvo. La alerta sigue abierta; su teléfono la muestra cerrada.", EN: "The person was forced to say they are safe. The alert stays open; their phone shows it closed."}}
	StaffAfterDuress = Notice{TypeDuress,
		i18n.Text{ES: "URGENTE: alerta con coacción", EN: "URGENT: alert under duress"},
		i18n.Text{ES: "Alguien intentó cerrar desde el teléfono una alerta marcada con coacción. Sigue abierta.", EN: "Someone tried to close an alert marked under duress from the phone. It stays open."}}
	StaffPinLocked = Notice{TypePINs,
		i18n.Text{ES: "URGENTE: intentos de PIN", EN: "URGENT: PIN attempts"},
		i18n.Text{ES: "Demasiados PIN incorrectos para cerrar una alerta. Sigue abierta.", EN: "Too many wrong PINs to close an alert. It stays open."}}
	EscalatedStaff = Notice{TypeEscalated,
		i18n.Text{ES: "Alerta sin atender", EN: "Unattended alert"},
		i18n.Text{ES: "Nadie ha acusado recibo de esta alerta en 2 minutos. Ábrela en el panel.", EN: "Nobody has acknowledged this alert in 2 minutes. Open it in the admin panel."}}
	EscalatedConsul = Notice{TypeEscalatedConsul,
		i18n.Text{ES: "URGENTE: alerta sin atender", EN: "URGENT: unattended alert"},
		i18n.Text{ES: "Una alerta lleva 10 minutos sin acuse de recibo. Ábrela en el panel y asígnala.", EN: "An alert has gone 10 minutes without anyone acknowledging it. Open it in the admin panel and assign it."}}
	NobodyReached = Notice{TypeNobodyReached,
		i18n.Text{ES: "URGENTE: nadie recibió una alerta", EN: "URGENT: nobody got an alert"},
		i18n.Text{ES: "Ningún dispositivo ni teléfono del personal recibió el aviso de una alerta sin atender. Ábrela en el panel y atiéndela.", EN: "No staff device or phone got the notice of an unattended alert. Open it in the admin panel and handle it."}}
)

// To staff, of what a peer consulate ({city}) did or could not be told.
var (
	PeerRelayed = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Alerta nueva (vía {city})", EN: "New alert (via {city})"},
		i18n.Text{ES: "El consulado en {city} la envió. Ábrela en el panel.", EN: "Sent by the consulate in {city}. Open it in the admin panel."}}
	PeerTransferred = Notice{vocab.MessageCreated,
		i18n.Text{ES: "Caso transferido", EN: "Case transferred"},
		i18n.Text{ES: "El consulado en {city} les transfirió un caso. Ábrelo en el panel.", EN: "The consulate in {city} transferred a case to you. Open it in the admin panel."}}
	PeerCancelled = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Alerta cancelada", EN: "Alert cancelled"},
		i18n.Text{ES: "La persona canceló la alerta (aviso de {city}).", EN: "The person cancelled the alert (word from {city})."}}
	PeerSafe = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Persona a salvo", EN: "Person safe"},
		i18n.Text{ES: "La persona avisó que está a salvo (aviso de {city}).", EN: "The person says they are safe (word from {city})."}}
	PeerDuress = Notice{TypeDuress,
		i18n.Text{ES: "URGENTE: PIN de coacción", EN: "URGENT: duress PIN"},
		i18n.Text{ES: "Obligaron a la persona a cancelar (aviso de {city}). La alerta sigue abierta.", EN: "The person was forced to cancel (word from {city}). The alert stays open."}}
	PeerNote = Notice{vocab.MessageStatus,
		i18n.Text{ES: "Nota de {city}", EN: "Note from {city}"},
		i18n.Text{ES: "Hay una nota nueva de otro consulado sobre una alerta.", EN: "Another consulate sent a note about an alert."}}
	PeerUndelivered = Notice{TypeDuress,
		i18n.Text{ES: "URGENTE: alerta sin entregar", EN: "URGENT: alert not delivered"},
		i18n.Text{ES: "Una alerta no llega al consulado en {city} desde hace 10 minutos. Llama a ese consulado.", EN: "An alert has not reached the consulate in {city} for 10 minutes. Call that consulate."}}
	PeerUntrusted = Notice{TypeEscalated,
		i18n.Text{ES: "URGENTE: este caso es tuyo", EN: "URGENT: this case is yours"},
		i18n.Text{ES: "La alerta es para el consulado en {city}, que no es un par de confianza y no la recibe. Atiéndela desde aquí.", EN: "The alert is for the consulate in {city}, which is not a trusted peer and cannot receive it. Handle it from here."}}
)

// To the consuls, of the staff accounts.
var (
	AccountCreated = Notice{TypeStaffCreated,
		i18n.Text{ES: "Nueva cuenta del personal", EN: "New staff account"},
		i18n.Text{ES: "Se creó una cuenta del personal con el rol {role}. Revísala en el panel.", EN: "A staff account with the role {role} was created. Review it in the admin panel."}}
	AccountRoleChanged = Notice{TypeStaffRoleChanged,
		i18n.Text{ES: "Cambio de rol del personal", EN: "Staff role changed"},
		i18n.Text{ES: "Una cuenta del personal pasó del rol {from} al rol {role}. Revísala en el panel.", EN: "A staff account went from the role {from} to the role {role}. Review it in the admin panel."}}
	AccountCredentials = Notice{TypeStaffCredentials,
		i18n.Text{ES: "Contraseña o correo del personal cambiados", EN: "Staff password or e-mail changed"},
		i18n.Text{ES: "La contraseña o el correo de una cuenta del personal con el rol {role} no los cambió su titular desde su sesión (fue otra cuenta, la línea de comandos o un enlace de restablecimiento): quien lo hizo puede entrar como esa persona. Revísala en el panel.",
			EN: "The password or e-mail of a staff account with the role {role} was not changed by its holder from their session (another account, the command line or a reset link did it): whoever did can sign in as that person. Review it in the admin panel."}}
	AccountDeleted = Notice{TypeStaffDeleted,
		i18n.Text{ES: "Cuenta del personal eliminada", EN: "Staff account deleted"},
		i18n.Text{ES: "Se eliminó una cuenta del personal con el rol {role}.", EN: "A staff account with the role {role} was deleted."}}
)

// kindText names an alert's kind in a notice.
var kindText = map[string]i18n.Text{
	vocab.KindDetained:      {ES: "Detención", EN: "Detention"},
	vocab.KindAtRisk:        {ES: "Persona en riesgo", EN: "Person at risk"},
	vocab.KindRaid:          {ES: "Redada", EN: "Raid"},
	vocab.KindCheckinMissed: {ES: "Control de llegada vencido", EN: "Missed check-in"},
	vocab.KindOther:         {ES: "Alerta", EN: "Alert"},
}
