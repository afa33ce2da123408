package staff_test

import (
	"testing"

	"alertbutton/hooks/apptest"
)

func TestZZProbe(t *testing.T) {
	app, _ := apptest.New(t, "los-angeles")
	srv := apptest.Serve(t, app)
	for _, u := range [][2]string{
		{"GET", "/api/collections/_superusers/auth-methods"},
		{"GET", "/api/collections/_superusers/auth-methods?fields=mfa%2Cotp%2Cpassword%2Coauth2"},
	} {
		s, b := apptest.CallURL(t, u[0], srv.URL+u[1], "", "")
		if len(b) > 300 { b = b[:300] }
		t.Log(u, s, b)
	}
}
