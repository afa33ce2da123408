package outbox

import (
	"fmt"
	"html/template"
	"net/mail"
	"strings"

	"github.com/pocketbase/pocketbase/tools/mailer"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/push"
)

var (
	openText   = i18n.Text{ES: "Abrir", EN: "Open"}
	footerText = i18n.Text{
		ES: "Este aviso lo envía el botón de alerta del %s. Lo recibes porque un familiar te registró como su contacto.",
		EN: "This notice is sent by the alert button of the %s. You receive it because a relative listed you as a contact.",
	}
	staffFooterText = i18n.Text{
		ES: "Este aviso lo envía el botón de alerta del %s a su personal.",
		EN: "This notice is sent by the alert button of the %s to its staff.",
	}
)

var emailHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<body style="font-family: sans-serif">
<h1 style="font-size: 1.25em">{{.Title}}</h1>
<p>{{.Body}}</p>
<p><a href="{{.Link}}">{{.Open}}</a></p>
<p style="color: #555; font-size: 0.85em">{{.Footer}}</p>
</body>
</html>
`))

type emailView struct {
	Lang, Title, Body, Link, Open, Footer string
}

// emailMessage frames p for to, a staff member when staff, else a relative.
func (d *Dispatcher) emailMessage(to mail.Address, p push.Payload, staff bool) (*mailer.Message, error) {
	lang := "es"
	if p.Lang == "en" {
		lang = "en"
	}
	v := emailView{
		Lang:  lang,
		Title: p.Title,
		Body:  p.Body,
		Link:  d.link(p.URL),
		Open:  openText.In(lang),
	}
	footer := footerText
	if staff {
		footer = staffFooterText
	}
	v.Footer = fmt.Sprintf(footer.In(lang), d.consulateName(lang))
	var html strings.Builder
	if err := emailHTML.Execute(&html, v); err != nil {
		return nil, err
	}
	meta := d.app.Settings().Meta
	return &mailer.Message{
		From:    mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
		To:      []mail.Address{to},
		Subject: p.Title,
		HTML:    html.String(),
		Text:    v.Title + "\n\n" + v.Body + "\n\n" + v.Open + ": " + v.Link + "\n\n-- \n" + v.Footer + "\n",
	}, nil
}

// link is the payload's path on the public URL serve was started with (never the settings'
// app URL, which the admin UI changes).
func (d *Dispatcher) link(path string) string {
	return strings.TrimRight(d.cfg.PublicURL, "/") + "/" + strings.TrimLeft(path, "/")
}

func (d *Dispatcher) consulateName(lang string) string {
	if lang == "en" {
		return "Consulate of Mexico in " + d.cfg.Consulate.City
	}
	return d.cfg.Consulate.Name
}
