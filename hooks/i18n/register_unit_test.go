package i18n_test

import (
	"testing"

	"alertbutton/hooks/i18n"
)

func TestUstedFindsTheFormalForms(t *testing.T) {
	for text, want := range map[string]string{
		"Escriba el teléfono con + y código de país.": "Escriba",
		"PIN incorrecto. Le quedan 4 intentos.":       "Le quedan",
		"Si está en peligro, llame al consulado.":     "Si está en peligro",
		"Si puedes, llama ahora: Entre 8 y 10.":       "",
		"Si necesita ayuda ahora, llame a la línea.":  "llame",
		"Revise los datos. Intente de nuevo.":         "Revise",
		"No encontramos eso; llame al consulado.":     "llame",
		"Ábrala en el panel.":                         "Ábrala",
		"¿Usted tiene cuenta?":                        "Usted",
		"Escribe tu teléfono. Te quedan 4 intentos.":  "",
		"Pide a tu familiar que te llame.":            "",
		"Cuando el consulado confirme quién eres.":    "",
		"Alerta enviada: {time}":                      "",
	} {
		if got := i18n.Usted(text); got != want {
			t.Errorf("Usted(%q) = %q, want %q", text, got, want)
		}
	}
}
