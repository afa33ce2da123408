package subscriptions

import (
	"alertbutton/hooks/notify"
	"alertbutton/hooks/push"
)

// selfNotice is what a registrant's or a staff member's new subscription is told.
func selfNotice(lang string, staff bool) push.Payload {
	if staff {
		return notify.SubscribedStaff(lang)
	}
	return notify.SubscribedRegistrant(lang)
}
