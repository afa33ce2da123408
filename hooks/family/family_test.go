package family_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
	"alertbutton/hooks/seal"
	"alertbutton/hooks/subscriptions"
)

// registrant saves a registrant with a sealed address.
func registrant(t testing.TB, app core.App, phone string) *core.Record {
	t.Helper()
	return apptest.Registrant(t, app, phone, apptest.Fields{"name": "Ana María López", "address": "SENTINEL-ADDRESS"})
}

// linked makes a registrant with a relative whose family link is token.
func linked(t testing.TB, app core.App, lang string) (owner, contact *core.Record, token string) {
	owner = registrant(t, app, "+13105550160")
	contact, token = apptest.LinkedContact(t, app, owner, apptest.Fields{"name": "Rosa López", "language": lang, "phone": "+5215512345678"})
	return owner, contact, token
}

func TestIssueFamilyLink(t *testing.T) {
	t.Parallel()
	var oldToken string
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "owner gets a new link", Method: http.MethodPost, ExpectedStatus: 200,
		ExpectedContent: []string{`"url":"http://alerta.example/family/#`, `"token":"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			var out struct{ URL, Token string }
			json.NewDecoder(res.Body).Decode(&out)
			if len(out.Token) != 22 || !strings.HasSuffix(out.URL, "#"+out.Token) {
				t.Fatalf("link %+v", out)
			}
			if _, err := family.ContactByToken(app, oldToken); err == nil {
				t.Error("the previous link still works")
			}
			if _, err := family.ContactByToken(app, out.Token); err != nil {
				t.Error("the new link does not work")
			}
			c, _ := family.ContactByToken(app, out.Token)
			if c.GetString("family_token_hash") == out.Token {
				t.Error("the token is stored in clear")
			}
			// Sealed, for the SMS that carries the link: opened only by the server.
			if sealed := c.GetString("family_token_sealed"); !seal.IsSealed(sealed) {
				t.Errorf("the token's copy is stored as %q", sealed)
			} else if open, err := apptest.ConfigOf(app).Sealer().Open(c.Id, "family_token_sealed", sealed); err != nil || open != out.Token {
				t.Errorf("the sealed copy opens to %q (%v), want the token", open, err)
			}
		},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		owner, contact, token := linked(t, app, "es")
		oldToken = token
		apptest.ConfigOf(app).PublicURL = "http://alerta.example"
		s.URL = "/api/alertbutton/contacts/" + contact.Id + "/family-link"
		s.Headers = map[string]string{"Authorization": apptest.Token(t, owner)}
	})

	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "another registrant cannot", Method: http.MethodPost, ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		_, contact, _ := linked(t, app, "es")
		other := registrant(t, app, "+13105550161")
		s.URL = "/api/alertbutton/contacts/" + contact.Id + "/family-link"
		s.Headers = map[string]string{"Authorization": apptest.Token(t, other)}
	})
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "anonymous cannot", Method: http.MethodPost, URL: "/api/alertbutton/contacts/x/family-link", ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
	}, nil)
}

// Whoever asks for a link (a seized phone, a proxy passing the Host through) cannot point it
// elsewhere: serve on loopback without --public-url names its own address, whatever the Host.
func TestFamilyLinkIgnoresTheHostHeader(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	handler, err := apptest.ServeAs(app, &http.Server{Addr: "127.0.0.1:8090"})
	if err != nil {
		t.Fatal(err)
	}
	owner, contact, _ := linked(t, app, "es")
	req := httptest.NewRequest(http.MethodPost, "/api/alertbutton/contacts/"+contact.Id+"/family-link", strings.NewReader("{}"))
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("Authorization", apptest.Token(t, owner))
	res := httptest.NewRecorder()
	handler.ServeHTTP(res, req)
	var out struct{ URL, Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.Code != http.StatusOK {
		t.Fatalf("%d %v", res.Code, err)
	}
	if want := "http://127.0.0.1:8090/family/#" + out.Token; out.URL != want {
		t.Fatalf("link %q, want %q", out.URL, want)
	}
}

func TestFamilyPageShowsFirstNameAndConsulateOnly(t *testing.T) {
	t.Parallel()
	// The token in family.Header, and in the path as pages cached before sent it.
	for _, viaHeader := range []bool{true, false} {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: map[bool]string{true: "header", false: "path"}[viaHeader], Method: http.MethodGet, ExpectedStatus: 200,
			ExpectedContent:    []string{`"registrant":{"firstName":"Ana"}`, `"consulate":{"code":"los-angeles","name":"Consulado de México en Los Ángeles"`},
			NotExpectedContent: []string{"López", "María", "+1310", "SENTINEL", "Rosa", "+52155"},
		}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			_, _, token := linked(t, app, "es")
			s.URL, s.Headers = family.Path, map[string]string{family.Header: token}
			if !viaHeader {
				s.URL, s.Headers = family.Path+"/"+token, nil
			}
		})
	}
	for _, token := range []string{"", "not-a-token", "AAAAAAAAAAAAAAAAAAAAAA", strings.Repeat("x", 500)} {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: "unknown token " + token[:min(5, len(token))], Method: http.MethodGet, URL: family.Path,
			Headers:        map[string]string{family.Header: token},
			ExpectedStatus: 404, ExpectedContent: []string{"no es válido"},
		}, nil)
		if token != "" {
			apptest.Run(t, "los-angeles", tests.ApiScenario{
				Name: "unknown token in the path " + token[:5], Method: http.MethodGet, URL: family.Path + "/" + token,
				ExpectedStatus: 404, ExpectedContent: []string{"no es válido"},
			}, nil)
		}
	}
}

// A relative subscribes through the family link with a real push service and receives
// the confirmation notice, decrypted, in their language.
func TestRelativeSubscribesAndIsTold(t *testing.T) {
	t.Parallel()
	svc := pushtest.Start(t)
	var sub push.Subscription
	subscribe := func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) (*core.Record, string) {
		cfg := apptest.ConfigOf(app)
		cfg.PushHosts = push.HostList{svc.Host()}
		_, contact, token := linked(t, app, "en")
		body := svc.SubscribeJSON(t, cfg.Keys().VAPIDPublicKey())
		sub, _ = push.ParseSubscription(body, cfg.PushHosts)
		s.URL = family.Path + "/subscriptions"
		s.Headers = map[string]string{family.Header: token}
		s.Body = strings.NewReader(string(body))
		return contact, string(body)
	}
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "subscribe", Method: http.MethodPost, ExpectedStatus: 201, ExpectedContent: []string{`"endpoint":"http://127.0.0.1`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if n, _ := app.CountRecords("push_subscriptions"); n != 1 {
				t.Fatalf("%d subscriptions stored", n)
			}
			d := outbox.NewDispatcher(app, apptest.ConfigOf(app), outbox.Options{})
			if _, err := d.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			var p push.Payload
			if err := json.Unmarshal([]byte(svc.WaitMessages(t, sub, 1)[0]), &p); err != nil {
				t.Fatal(err)
			}
			if p.Type != "subscription.confirmed" || p.Body != "You will be told if Ana needs help." || p.Lang != "en" {
				t.Errorf("confirmation %+v", p)
			}
		},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) { subscribe(t, app, s) })

	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "subscribe again", Method: http.MethodPost, ExpectedStatus: 200, ExpectedContent: []string{`"endpoint":"http://127.0.0.1`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			subs, _ := app.CountRecords("push_subscriptions")
			notices, _ := app.CountRecords("outbox")
			if subs != 1 || notices != 1 {
				t.Errorf("after the same subscription twice: %d subscriptions, %d notices; want 1 and 1", subs, notices)
			}
		},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		contact, _ := subscribe(t, app, s)
		owner := subscriptions.Owner{Contact: contact.Id, Lang: "en"}
		if _, _, err := subscriptions.Save(app, sub, owner, notify.SubscribedRelative("en", "Ana")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFamilySubscriptionRefusesBadBodies(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, field string }{
		{"not JSON", `{"endpoint":`, "body"},
		{"host not allowed", `{"endpoint":"https://evil.example/push/1","keys":{"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM","auth":"tBHItJI5svbpez7KI4CCXg"}}`, "endpoint"},
		{"bad p256dh", `{"endpoint":"https://127.0.0.1/push/1","keys":{"p256dh":"AAAA","auth":"tBHItJI5svbpez7KI4CCXg"}}`, "keys.p256dh"},
		{"bad auth", `{"endpoint":"https://127.0.0.1/push/1","keys":{"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM","auth":"AAAA"}}`, "keys.auth"},
	}
	for _, c := range cases {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, Body: strings.NewReader(c.body),
			ExpectedStatus: 400, ExpectedContent: []string{`"` + c.field + `":{"code":`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n, _ := app.CountRecords("push_subscriptions"); n != 0 {
					t.Error("a refused subscription was stored")
				}
			},
		}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			_, _, token := linked(t, app, "es")
			s.URL = family.Path + "/subscriptions"
			s.Headers = map[string]string{family.Header: token}
		})
	}
}
