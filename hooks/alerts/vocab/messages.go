package vocab

import "alertbutton/federation/protocol"

// What happened to an alert, as a push to a device and an envelope to a peer consulate name
// it (push.Payload.Type, the outbox's federation payload, protocol.Envelope.Type). The wire
// values are the federation protocol's.
const (
	MessageCreated  = protocol.TypeCreated
	MessageStatus   = protocol.TypeStatus
	MessageTransfer = protocol.TypeTransfer
)
