package vocab

// Kinds of place where a detained person may be held (facilities.kind), in the schema's order.
const (
	FacilityDetentionCenter = "detention_center"
	FacilityFieldOffice     = "field_office"
	FacilityJail            = "jail"
	FacilityHospital        = "hospital"
	FacilityOther           = "other"
)

var FacilityKinds = []string{FacilityDetentionCenter, FacilityFieldOffice, FacilityJail, FacilityHospital, FacilityOther}

// The facts of a case whose change staff make is an EventChanged (its data's "field").
// Place and a_number are personal: their events say only that they changed.
const (
	FieldKind            = "kind"
	FieldPlace           = "place"
	FieldDuress          = "duress"
	FieldEscalationLevel = "escalation_level"
	FieldAssignedTo      = "assigned_to"
	FieldFacility        = "facility"
	FieldTargetConsulate = "target_consulate"
	FieldANumber         = "a_number"
)

// ChangedFields are the facts recorded as EventChanged, in the order a change lists them.
var ChangedFields = []string{
	FieldKind, FieldPlace, FieldDuress, FieldEscalationLevel,
	FieldAssignedTo, FieldFacility, FieldTargetConsulate, FieldANumber,
}
