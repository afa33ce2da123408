package appliance

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"alertbutton/hooks/alerts/vocab"
)

// SMSTokenEnv names the environment variable holding the SMS provider's auth token: never a
// flag, which any user of the machine can read in the process list.
const SMSTokenEnv = "ALERTBUTTON_SMS_TOKEN"

// Default SMS budgets.
const (
	DefaultSMSPerAlert = 10
	DefaultSMSPerDay   = 300
)

// SMS is how the appliance reaches the SMS provider, and what IT lets it spend.
type SMS struct {
	AccountSID string // the provider account
	AuthToken  string // its secret: signs the delivery callbacks too
	From       string // the sending number, E.164
	BaseURL    string // the Messages API's base URL; empty is Twilio's own

	PerAlert int // SMS one alert may cause; 0: no limit
	PerDay   int // SMS the appliance may send in 24 hours; 0: no limit
}

// Ready tells whether SMS can be sent at all.
func (s SMS) Ready() bool {
	return s.AccountSID != "" && s.AuthToken != "" && s.From != ""
}

func (c *Config) smsFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.sms.AccountSID, "sms-account", "", "the SMS provider's account id (Twilio's Account SID, AC...); its auth token is read from $"+SMSTokenEnv)
	fs.StringVar(&c.sms.From, "sms-from", "", "the number SMS are sent from, E.164 (+13105550100)")
	fs.StringVar(&c.sms.BaseURL, "sms-base-url", "", "the base URL of a provider compatible with Twilio's Messages API (default: Twilio's)")
	fs.IntVar(&c.sms.PerAlert, "sms-budget-alert", DefaultSMSPerAlert, "SMS one alert may cause (0: no limit)")
	fs.IntVar(&c.sms.PerDay, "sms-budget-day", DefaultSMSPerDay, "SMS the appliance may send in 24 hours (0: no limit)")
}

var (
	smsAccountPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	smsFromPattern    = regexp.MustCompile(vocab.PhonePattern)
)

// resolveSMS fills c.SMS from the flags and token (from SMSTokenEnv). Without an account
// and a number SMS is off; half a setup is refused, so that IT does not believe it works.
func (c *Config) resolveSMS(token string) error {
	s := c.sms
	s.AccountSID, s.From, s.BaseURL = strings.TrimSpace(s.AccountSID), strings.TrimSpace(s.From), strings.TrimSpace(s.BaseURL)
	s.AuthToken = strings.TrimSpace(token)
	if s.PerAlert < 0 || s.PerDay < 0 {
		return fmt.Errorf("--sms-budget-alert and --sms-budget-day cannot be negative (0 is no limit)")
	}
	if s.AccountSID == "" && s.From == "" {
		c.SMS = SMS{PerAlert: s.PerAlert, PerDay: s.PerDay}
		return nil
	}
	switch {
	case !smsAccountPattern.MatchString(s.AccountSID):
		return fmt.Errorf("--sms-account %q is not a provider account id (AC followed by 32 letters and digits on Twilio)", s.AccountSID)
	case !smsFromPattern.MatchString(s.From):
		return fmt.Errorf("--sms-from %q is not a number in E.164 form, like +13105550100", s.From)
	case s.AuthToken == "":
		return fmt.Errorf("SMS needs the provider's auth token in $%s (never on the command line)", SMSTokenEnv)
	}
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(hostPort(u)))) {
			return fmt.Errorf("--sms-base-url %q is not an https address (plain http only on loopback)", s.BaseURL)
		}
		s.BaseURL = strings.TrimRight(u.String(), "/")
	}
	c.SMS = s
	return nil
}

// hostPort is u's host with a port, as isLoopback reads it.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return u.Host + ":0"
}

// State says, for the log at start, whether SMS is on and within which budget.
func (s SMS) State() string {
	if !s.Ready() {
		return "SMS is off: start serve with --sms-account, --sms-from and $" + SMSTokenEnv + " to send SMS to relatives and staff"
	}
	return fmt.Sprintf("SMS is on, from %s, within %d an alert and %d a day (0: no limit)", s.From, s.PerAlert, s.PerDay)
}
