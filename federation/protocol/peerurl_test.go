package protocol

import (
	"errors"
	"testing"
)

func TestCheckPeerURL(t *testing.T) {
	good := []string{
		"https://la.consulado.example",
		"https://la.consulado.example:8443/alertbutton",
		"HTTPS://LA.CONSULADO.EXAMPLE/",
		"http://127.0.0.1:8090",
		"http://127.3.2.1",
		"http://[::1]:8090",
		"http://localhost:8090",
		"http://LocalHost",
		"https://127.0.0.1:8443",
	}
	for _, u := range good {
		if err := CheckPeerURL(u); err != nil {
			t.Errorf("CheckPeerURL(%q) = %v", u, err)
		}
	}

	insecure := []string{
		"http://la.consulado.example",
		"http://10.0.0.5:8090",
		"http://192.168.1.10",
		"http://localhost.example.com",
		"http://127.0.0.1.nip.io",
		"http://[::2]",
		"ftp://la.consulado.example",
		"ws://127.0.0.1",
	}
	for _, u := range insecure {
		if err := CheckPeerURL(u); !errors.Is(err, ErrInsecureURL) {
			t.Errorf("CheckPeerURL(%q) = %v, want ErrInsecureURL", u, err)
		}
	}

	malformed := []string{
		"",
		"la.consulado.example",
		"https://",
		"https://:443",
		"https://user:pass@la.consulado.example",
		"https://la.consulado.example/?x=1",
		"https://la.consulado.example/?",
		"https://la.consulado.example/#top",
		"https:la.consulado.example",
		"https://la consulado.example",
	}
	for _, u := range malformed {
		if err := CheckPeerURL(u); !errors.Is(err, ErrMalformed) {
			t.Errorf("CheckPeerURL(%q) = %v, want ErrMalformed", u, err)
		}
	}
}
