package push

// FieldError says which field of a push subscription is wrong, in a form the
// HTTP layer can turn into PocketBase's {"data":{field:{code,message}}}.
// Field is "" when the body as a whole is unreadable.
type FieldError struct {
	Field     string
	Code      string
	Message   string // English
	MessageES string // Spanish
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func fieldError(field, code, en, es string) *FieldError {
	return &FieldError{Field: field, Code: code, Message: en, MessageES: es}
}
