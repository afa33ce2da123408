package appliance

// SMS is how the appliance reaches the SMS provider, and what IT lets it spend.
type SMS struct {
	AccountSID string // the provider account
	AuthToken  string // its secret: signs the delivery callbacks too
	From       string // the sending number, E.164
	BaseURL    string // the Messages API's base URL; empty is Twilio's own

	PerAlert int // SMS one alert may cause
	PerDay   int // SMS the appliance may send in a day
}

// Ready tells whether SMS can be sent at all.
func (s SMS) Ready() bool {
	return s.AccountSID != "" && s.AuthToken != "" && s.From != ""
}
