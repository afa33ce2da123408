package subscriptions

import (
	"fmt"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/push"
)

var (
	noticeTitle  = i18n.Text{ES: "Notificaciones activadas", EN: "Notifications are on"}
	noticeSelf   = i18n.Text{ES: "Aquí verá lo que pase con sus alertas.", EN: "You will see here what happens with your alerts."}
	noticeStaff  = i18n.Text{ES: "Este dispositivo recibirá las alertas del consulado.", EN: "This device will receive the consulate's alerts."}
	noticeFamily = i18n.Text{ES: "Le avisaremos si %s necesita ayuda.", EN: "You will be told if %s needs help."}
)

func selfNotice(lang string, staff bool) push.Payload {
	body, url := noticeSelf, "/"
	if staff {
		body, url = noticeStaff, "/staff/"
	}
	return push.Payload{Type: "subscription.confirmed", Title: noticeTitle.In(lang), Body: body.In(lang), URL: url, Lang: lang}
}

// FamilyNotice tells a relative the link works, naming the registrant by first name only.
func FamilyNotice(lang, firstName string) push.Payload {
	return push.Payload{
		Type:  "subscription.confirmed",
		Title: noticeTitle.In(lang),
		Body:  fmt.Sprintf(noticeFamily.In(lang), firstName),
		URL:   "/family/",
		Lang:  lang,
	}
}
