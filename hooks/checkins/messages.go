package checkins

import "alertbutton/hooks/i18n"

var (
	msgNotFound  = i18n.Text{ES: "No encontramos ese temporizador.", EN: "We did not find that timer."}
	msgInvalid   = i18n.Text{ES: "Revisa los datos marcados.", EN: "Check the marked fields."}
	msgDuePast   = i18n.Text{ES: "Elige una hora en el futuro.", EN: "Choose a time in the future."}
	msgDueFar    = i18n.Text{ES: "Elige una hora dentro de los próximos 7 días.", EN: "Choose a time within the next 7 days."}
	msgPlace     = i18n.Text{ES: "El lugar debe ser texto de hasta 500 caracteres.", EN: "The place must be text of up to 500 characters."}
	msgNotArmed  = i18n.Text{ES: "Este temporizador ya no está activo. Inicia uno nuevo.", EN: "This timer is no longer active. Start a new one."}
	msgFired     = i18n.Text{ES: "El temporizador ya venció y el consulado fue alertado. La alerta sigue activa: si estás a salvo, usa «Estoy a salvo» en la alerta.", EN: "The timer already ran out and the consulate was alerted. The alert stays active: if you are safe, use \"I am safe\" on the alert."}
	msgCancelled = i18n.Text{ES: "Este temporizador fue cancelado.", EN: "This timer was cancelled."}
	msgFailed    = i18n.Text{ES: "No se pudo guardar. Intenta de nuevo.", EN: "It could not be saved. Try again."}
)
