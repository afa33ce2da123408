package push

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPayloadJSON(t *testing.T) {
	p := Payload{Type: "alert.status", Alert: "01JD3X", Title: "Estado <actualizado>", Body: "Su caso & más", URL: "/a?x=1&y=2", Lang: "es"}
	want := `{"type":"alert.status","alert":"01JD3X","title":"Estado <actualizado>","body":"Su caso & más","url":"/a?x=1&y=2","lang":"es"}`
	if got := string(p.JSON()); got != want {
		t.Fatalf("JSON = %s\nwant   %s", got, want)
	}
}

func TestPayloadShorter(t *testing.T) {
	p := Payload{
		Type:  "alert.created",
		Alert: "01JD3X2K7Q9F8V6N4M2P0R5T7W",
		Title: "Alerta: detención",
		Body:  strings.Repeat("Su familiar pidió ayuda al consulado. ", 20),
		URL:   "/alerts/01JD3X2K7Q9F8V6N4M2P0R5T7W",
		Lang:  "es",
	}
	steps := 0
	for {
		shorter, ok := p.Shorter()
		if !ok {
			break
		}
		steps++
		if len(shorter.JSON()) >= len(p.JSON()) {
			t.Fatalf("step %d did not shrink: %s", steps, shorter.JSON())
		}
		if !utf8.ValidString(shorter.Body) {
			t.Fatalf("step %d cut a character: %q", steps, shorter.Body)
		}
		if steps == 1 && !strings.HasPrefix(p.Body, strings.TrimSuffix(shorter.Body, "…")) {
			t.Fatalf("body %q is not a prefix of %q", shorter.Body, p.Body)
		}
		p = shorter
	}
	want := Payload{Type: "alert.created", Alert: "01JD3X2K7Q9F8V6N4M2P0R5T7W", Title: "Alerta: detención", Lang: "es"}
	if p != want {
		t.Fatalf("shortest = %+v, want %+v", p, want)
	}
	if steps < 3 {
		t.Fatalf("took %d steps, want the body halved before it is dropped", steps)
	}
}

func TestHalfOfMultibyteIsShorter(t *testing.T) {
	for _, s := range []string{"😀😀😀😀abcde", "ñññññññññ", "abcdefghi", "😀😀😀😀😀😀😀😀😀"} {
		if got := half(s); len(got) >= len(s) || !utf8.ValidString(got) {
			t.Errorf("half(%q) = %q", s, got)
		}
	}
	if got := half("12345678"); got != "" {
		t.Errorf("half of 8 runes = %q, want it dropped", got)
	}
}
