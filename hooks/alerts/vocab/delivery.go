package vocab

// What people are shown of one notice (outbox.delivery): queued until a channel took it;
// sent when a provider took it and confirms later (SMS); delivered on the push service's
// 201, the SMTP server's 250, the SMS provider's delivered callback or the peer's signed
// receipt; failed, with why (outbox.last_error).
const (
	DeliveryQueued    = "queued"
	DeliverySent      = "sent"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Who a notice is for (outbox.recipient_kind); outbox.recipient holds their record id, or
// the peer's consulate code.
const (
	RecipientRegistrant = "registrant"
	RecipientContact    = "contact"
	RecipientStaff      = "staff"
	RecipientPeer       = "peer"
)

// The channels a notice leaves by (outbox.channel).
const (
	ChannelPush       = "push"
	ChannelEmail      = "email"
	ChannelSMS        = "sms"
	ChannelFederation = "federation"
)

var (
	Deliveries     = []string{DeliveryQueued, DeliverySent, DeliveryDelivered, DeliveryFailed}
	RecipientKinds = []string{RecipientRegistrant, RecipientContact, RecipientStaff, RecipientPeer}
	Channels       = []string{ChannelPush, ChannelEmail, ChannelFederation, ChannelSMS}
)
