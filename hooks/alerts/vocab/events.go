package vocab

// Timeline event types (alert_events.type).
const (
	EventCreated           = "created"
	EventStatus            = "status"
	EventCancelled         = "cancelled"
	EventReleased          = "released"
	EventDuress            = "duress"
	EventPinFailed         = "pin_failed"
	EventCancelAfterDuress = "cancel_after_duress"
	EventSafeAfterDuress   = "safe_after_duress"
	EventAssigned          = "assigned"
	EventFacilitySet       = "facility_set"
	EventFacilityCleared   = "facility_cleared"
	EventANumber           = "a_number_changed"
	EventInternalNotes     = "internal_notes_changed"
	EventTransferred       = "transferred"
	EventRelayDelayed      = "relay_delayed"
	EventRelayEscalated    = "relay_escalated"
	EventPinChangeRefused  = "pin_change_refused"
	EventDeletionRequested = "deletion_requested"
	EventEscalated         = "escalated"
	EventRetentionApplied  = "retention_applied"
	EventNoteReceived      = "federation_note"
	EventNoteSent          = "federation_note_sent"
	EventRelayDelivered    = "relay_delivered"

	// EventNobodyReached: an escalation step reached no staff device or phone, with data
	// {"level": N} (issue 15).
	EventNobodyReached  = "escalation.nobody_reached"
	EventRelayUntrusted = "relay_untrusted"
)

// The case's timeline (migration 1764002000): a change of fact by staff, with the field and
// its old and new value ({"field","from","to"}; for place and a_number only that it changed),
// and an adviser's note added ({"note": id}; the text stays in case_notes, sealed).
const (
	EventChanged   = "alert.changed"
	EventNoteAdded = "note.added"
)
