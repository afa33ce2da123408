// Package vocab is the vocabulary the schema and the runtime share: the values of the alerts'
// select fields, the timeline's event types, what pushes and federation envelopes say happened,
// the patterns of shared fields and the names of tables that more than the migrations use.
//
// The migrations build the schema from these values, so a migration that ran long ago still
// produces the same schema only while they stay as they are: add values, never change one
// (migrations/vocab_test.go pins them). vocab imports nothing of the appliance but the
// federation's wire library.
package vocab

// Alert kinds (alerts.kind), in the schema's order.
const (
	KindDetained      = "detained"
	KindAtRisk        = "at_risk"
	KindRaid          = "raid"
	KindCheckinMissed = "checkin_missed"
	KindOther         = "other"
)

// Alert statuses (alerts.status), in the schema's order.
const (
	StatusNew          = "new"
	StatusAcknowledged = "acknowledged"
	StatusInProgress   = "in_progress"
	StatusResolved     = "resolved"
	StatusFalseAlarm   = "false_alarm"
	StatusCancelled    = "cancelled"
)

// Where an alert came from (alerts.source), in the schema's order.
const (
	SourceButton     = "button"
	SourceFamily     = "family"
	SourceStaff      = "staff"
	SourceCheckin    = "checkin"
	SourceWalkin     = "walkin"
	SourceFederation = "federation"
)

// How the relay of an alert to its peer consulates stands (alerts.relay_status): sending
// (queued, not late yet), delayed after 2 minutes, escalated after 10, delivered once every
// peer signed a receipt, untrusted when the target consulate is not a trusted peer (this
// consulate's advisers then take the case). Empty: nothing to relay.
const (
	RelayDelayed   = "delayed"
	RelayEscalated = "escalated"
	RelayDelivered = "delivered"
	RelayUntrusted = "untrusted"
	RelaySending   = "sending"
)

// The values of the select fields, as the schema lists them.
var (
	Kinds    = []string{KindDetained, KindAtRisk, KindRaid, KindCheckinMissed, KindOther}
	Statuses = []string{
		StatusNew, StatusAcknowledged, StatusInProgress, StatusResolved, StatusFalseAlarm, StatusCancelled,
	}
	Sources       = []string{SourceButton, SourceFamily, SourceStaff, SourceCheckin, SourceWalkin, SourceFederation}
	RelayStatuses = []string{RelayDelayed, RelayEscalated, RelayDelivered, RelayUntrusted, RelaySending}
	// Languages a person and their relatives are written to in.
	Languages = []string{"es", "en"}
)

// OpenStatuses are the statuses of an alert the consulate still works on.
var OpenStatuses = []string{StatusNew, StatusAcknowledged, StatusInProgress}
