package alerts

import "alertbutton/hooks/i18n"

// Route and API messages.
var (
	msgNotFound     = i18n.Text{ES: "No encontramos esa alerta.", EN: "We did not find that alert."}
	msgUIDTaken     = i18n.Text{ES: "Ese identificador (uid) ya se usó. Envía la alerta sin uid.", EN: "That identifier (uid) is already in use. Send the alert without a uid."}
	msgInvalid      = i18n.Text{ES: "Revisa los datos marcados.", EN: "Check the marked fields."}
	msgSaveFailed   = i18n.Text{ES: "No se pudo guardar la alerta. Intenta de nuevo o llama al +1 520 623 7874.", EN: "The alert could not be saved. Try again or call +1 520 623 7874."}
	msgUnknownLink  = i18n.Text{ES: "Este enlace ya no es válido. Pide uno nuevo a tu familiar.", EN: "This link is no longer valid. Ask your relative for a new one."}
	msgWrongPIN     = i18n.Text{ES: "PIN incorrecto. Te quedan {n} intentos.", EN: "Wrong PIN. {n} tries left."}
	msgWrongPINOne  = i18n.Text{ES: "PIN incorrecto. Te queda 1 intento.", EN: "Wrong PIN. 1 try left."}
	msgPinLocked    = i18n.Text{ES: "Demasiados intentos. La alerta sigue activa; llama al consulado.", EN: "Too many tries. The alert is still active; call the consulate."}
	msgAppendOnly   = i18n.Text{ES: "La línea de tiempo de una alerta no se puede cambiar ni borrar.", EN: "An alert's timeline cannot be changed or deleted."}
	msgNoDelete     = i18n.Text{ES: "Las alertas no se borran; ciérralas como resueltas o falsa alarma.", EN: "Alerts are not deleted; close them as resolved or false alarm."}
	msgStale        = i18n.Text{ES: "La alerta cambió mientras la editabas. Recárgala y vuelve a intentarlo.", EN: "The alert changed while you were editing it. Reload it and try again."}
	msgBadStatus    = i18n.Text{ES: "Ese cambio de estado no está permitido: nuevo → con acuse de recibo → en curso → resuelto o falsa alarma. Solo la persona cancela.", EN: "That status change is not allowed: new → acknowledged → in progress → resolved or false alarm. Only the person cancels."}
	msgLocked       = i18n.Text{ES: "Este campo no se puede cambiar.", EN: "This field cannot be changed."}
	msgStaffSource  = i18n.Text{ES: "El personal registra alertas con origen «staff» (llamada) o «walkin» (en persona).", EN: "Staff record alerts with source \"staff\" (phone call) or \"walkin\" (in person)."}
	msgNewOnly      = i18n.Text{ES: "Una alerta nueva empieza con estado «new».", EN: "A new alert starts with status \"new\"."}
	msgSubjectName  = i18n.Text{ES: "Indica el nombre de la persona, o elige a la persona registrada.", EN: "Give the person's name, or choose the registered person."}
	msgUnknownCode  = i18n.Text{ES: "Código de consulado desconocido.", EN: "Unknown consulate code."}
	msgNoDuressFlag = i18n.Text{ES: "La coacción solo se marca con el PIN de la persona.", EN: "Duress is only set by the person's PIN."}

	msgConsulClearsDuress = i18n.Text{ES: "Solo un cónsul puede quitar la marca de coacción. Pídeselo al cónsul de guardia.", EN: "Only a consul can clear the duress flag. Ask the consul on duty."}
	msgNoLowering         = i18n.Text{ES: "El nivel de escalamiento solo sube: registra a quién se despertó.", EN: "The escalation level only goes up: it records who was woken."}
	msgAssignCaseStaff    = i18n.Text{ES: "Asigna el caso a un asesor o cónsul (no a TI: no puede leer el caso).", EN: "Assign the case to an adviser or consul (not IT: IT cannot read the case)."}
	msgFacilityInactive   = i18n.Text{ES: "Ese centro no está activo en la lista. Pide a TI que lo active o elige otro.", EN: "That facility is not active in the list. Ask IT to activate it or pick another."}
	msgNoteEmpty          = i18n.Text{ES: "Escribe la nota.", EN: "Write the note."}
	msgNotesAddOnly       = i18n.Text{ES: "Las notas del caso no se cambian ni se borran: agrega una nota nueva.", EN: "Case notes are not changed or deleted: add a new note."}
)
