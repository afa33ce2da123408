package notify

import (
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/push"
)

// TypeSubscribed is the push type of the notice a device gets when it subscribes.
const TypeSubscribed = "subscription.confirmed"

// To a device just subscribed: that it works.
var (
	subscribedRegistrant = Notice{TypeSubscribed,
		i18n.Text{ES: "Notificaciones activadas", EN: "Notifications are on"},
		i18n.Text{ES: "Aquí verás lo que pase con tus alertas.", EN: "You will see here what happens with your alerts."}}
	subscribedStaff = Notice{TypeSubscribed,
		i18n.Text{ES: "Notificaciones activadas", EN: "Notifications are on"},
		i18n.Text{ES: "Este dispositivo recibirá las alertas del consulado.", EN: "This device will receive the consulate's alerts."}}
	subscribedRelative = Notice{TypeSubscribed,
		i18n.Text{ES: "Notificaciones activadas", EN: "Notifications are on"},
		i18n.Text{ES: "Te avisaremos si {name} necesita ayuda.", EN: "You will be told if {name} needs help."}}
)

// SubscribedRegistrant is what a registrant's new subscription is told, in lang.
func SubscribedRegistrant(lang string) push.Payload {
	return subscribedRegistrant.Payload("", lang, urlRegistrant, Vars{})
}

// SubscribedStaff is what a staff device's new subscription is told, in lang.
func SubscribedStaff(lang string) push.Payload {
	return subscribedStaff.Payload("", lang, "/staff/", Vars{})
}

// SubscribedRelative is what a relative's new subscription is told, in lang, naming the
// registrant by first name only.
func SubscribedRelative(lang, firstName string) push.Payload {
	return subscribedRelative.Payload("", lang, urlFamily, Vars{Name: firstName})
}
