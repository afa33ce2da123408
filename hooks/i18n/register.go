package i18n

import (
	"regexp"
	"strings"
)

// The app speaks to every person in Mexican Spanish with tú. usted's imperatives are also
// the third person's subjunctive ("que el consulado te llame"), so they count only where a
// sentence or a clause starts; the forms below count anywhere.
var (
	ustedAnywhere = regexp.MustCompile(`(?i)(^|[^\p{L}])(usted|ustedes|le quedan?|si está (en peligro|a salvo)|le avisaremos|le avisamos|le escribiremos|le llamaremos|registrarle|inténtelo|comuníquese|asegúrese|ábrala|ábralo|ciérrela|ciérrelas|recárguela|atiéndala|asígnela|revíselo|revísela|llámenos|pídale|díganos|escríbanos)($|[^\p{L}])`)
	ustedAtStart  = regexp.MustCompile(`(?i)(^|[.,;:!?¿¡—(«"]\s*|\n\s*)(escriba|elija|revise|intente|llame|vuelva|pida|indique|inicie|envíe|avise|comparta|espere|toque|presione|oprima|marque|ingrese|seleccione|confirme|verifique|acuda|agregue|recuerde|tenga|mantenga|haga|diga|vaya|busque|permita|active|descargue|abra|salga|cancele|use|guarde|cree|lea|mire|muestre|firme|conserve|anote|deje|no (escriba|elija|abra|firme|diga|mienta|corra|pague|cierre|comparta|use))($|[^\p{L}])`)
)

// Usted returns the first form in text that speaks to the reader as usted, or "" when text
// speaks with tú (or to nobody). The tests run it over every Spanish string a person reads.
func Usted(text string) string {
	for _, re := range []*regexp.Regexp{ustedAnywhere, ustedAtStart} {
		if m := re.FindStringSubmatch(text); m != nil {
			return strings.TrimSpace(m[2])
		}
	}
	return ""
}
