package vocab

// Patterns of fields that the schema checks and the hooks check again at the door, in the
// person's language.
const (
	ConsulateCodePattern = `^[a-z][a-z-]{1,38}[a-z]$`
	PhonePattern         = `^\+[1-9][0-9]{7,14}$`
	ZIPPattern           = `^[0-9]{5}$`
	GeoidPattern         = `^[0-9]{5}$`
	// AlertUIDPattern accepts a UUIDv7 (lower case) or a ULID (Crockford base32).
	AlertUIDPattern = `^([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25})$`
)
