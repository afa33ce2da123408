package sms

import (
	"net/url"

	"github.com/twilio/twilio-go/client"
)

// Delivery states a status callback reports (MessageStatus); the others (queued, sending,
// sent, accepted, scheduled...) are steps on the way.
const (
	StatusDelivered   = "delivered"
	StatusUndelivered = "undelivered"
	StatusFailed      = "failed"
)

// Signed tells whether form, POSTed to callbackURL (the address the message named, never one
// built from the request), carries the provider's signature, made with token. A key given
// twice is refused: the signature is checked on the first value of each key only.
func Signed(token, callbackURL string, form url.Values, signature string) bool {
	if token == "" || signature == "" {
		return false
	}
	params := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) != 1 {
			return false
		}
		params[k] = vs[0]
	}
	v := client.NewRequestValidator(token)
	return v.Validate(callbackURL, params, signature)
}

// Why is what a provider's error code of an undelivered message means, for staff.
func Why(code string) string {
	if w, ok := errorCodes[code]; ok {
		return "the SMS was not delivered: " + w + " (provider error " + code + ")"
	}
	if code == "" {
		return "the SMS was not delivered (the provider gave no reason)"
	}
	return "the SMS was not delivered (provider error " + code + ")"
}

// errorCodes are Twilio's delivery errors (https://www.twilio.com/docs/api/errors).
var errorCodes = map[string]string{
	"30001": "the provider's queue overflowed",
	"30002": "the provider account is suspended",
	"30003": "the phone is off or out of reach",
	"30004": "the recipient blocked the message",
	"30005": "the number is unknown or no longer in service",
	"30006": "the number is a landline or its carrier cannot take SMS",
	"30007": "the carrier filtered the message",
	"30008": "the carrier gave no reason",
	"30032": "the sending number is not registered for SMS (toll-free verification)",
	"30034": "the sending number is not registered for SMS (A2P 10DLC)",
}
