// Package phone reads a phone number as people type it ("559 555 1234", "(559) 555-1234",
// "+1 559 555 1234", "+52 55 1234 5678") into E.164. The app follows the same rules in
// pb_public/js/phone.js, so that the number it shows before sending is the one stored.
package phone

import (
	"regexp"
	"strings"

	"alertbutton/hooks/alerts/vocab"
)

var (
	e164RE = regexp.MustCompile(vocab.PhonePattern)
	// what people put between digits: spaces, dashes, dots, slashes, brackets
	typedRE  = regexp.MustCompile(`^\+?[0-9 ()./\-\x{00A0}]+$`)
	nonDigit = regexp.MustCompile(`[^0-9]`)
)

// Normalize returns the E.164 form of text and true, or "" and false when it cannot tell
// the number. Without a country code, 10 digits are a U.S. number (1 and 10 digits too);
// 52 and 10 digits are Mexican, and Mexico's old mobile 1 after 52 is dropped.
func Normalize(text string) (string, bool) {
	raw := strings.TrimSpace(text)
	if !typedRE.MatchString(raw) {
		return "", false
	}
	digits := nonDigit.ReplaceAllString(raw, "")
	var d string
	switch {
	case strings.HasPrefix(raw, "+"):
		d = digits
	case strings.HasPrefix(digits, "011"):
		d = digits[3:] // dialled from the U.S. to another country
	case strings.HasPrefix(digits, "00"):
		d = digits[2:]
	case len(digits) == 10:
		d = "1" + digits
	case len(digits) == 11 && digits[0] == '1', len(digits) == 12 && strings.HasPrefix(digits, "52"),
		len(digits) == 13 && strings.HasPrefix(digits, "521"):
		d = digits
	default:
		return "", false
	}
	if len(d) == 13 && strings.HasPrefix(d, "521") {
		d = "52" + d[3:]
	}
	switch {
	case d[0] == '1' && (len(d) != 11 || d[1] < '2'):
		return "", false // a U.S. or Canadian number has 10 digits, its area code starts with 2-9
	case strings.HasPrefix(d, "52") && len(d) != 12:
		return "", false // a Mexican number has 10 digits
	}
	e164 := "+" + d
	if !e164RE.MatchString(e164) {
		return "", false
	}
	return e164, true
}
