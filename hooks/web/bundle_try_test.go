package web

import (
	"testing"

	pbpublic "alertbutton/pb_public"
)

func TestTry(t *testing.T) {
	b, err := buildBundle(pbpublic.FS)
	if err != nil {
		t.Fatal(err)
	}
	for u, f := range b.files {
		t.Log(u, len(f))
	}
	t.Log(b.entries, b.preload)
	s, _ := newSite(pbpublic.FS, b)
	t.Log(string(s["/"].body))
	n := 0
	for _, u := range append(b.preload[b.entries["/js/app.js"]], b.entries["/js/app.js"], "/", "/css/app.css") {
		t.Log(u, len(s[u].body), len(s[u].gz))
		n += len(s[u].gz)
	}
	t.Log(n)
}
