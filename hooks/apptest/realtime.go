package apptest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Listener is a realtime client of /api/realtime, as PocketBase's JS SDK is.
type Listener struct {
	events chan Event
}

// Event is one server-sent event.
type Event struct{ Name, Data string }

// Listen connects to srv's realtime endpoint and subscribes to topics with the token as
// Authorization (none when empty). The connection closes when the test ends.
func Listen(t testing.TB, srv *httptest.Server, token string, topics ...string) *Listener {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	l := &Listener{events: make(chan Event, 64)}
	go l.read(res)
	connect, ok := l.Next(5 * time.Second)
	if !ok || connect.Name != "PB_CONNECT" {
		t.Fatalf("first event %+v", connect)
	}
	var hello struct{ ClientID string }
	json.Unmarshal([]byte(connect.Data), &hello)
	body, _ := json.Marshal(map[string]any{"clientId": hello.ClientID, "subscriptions": topics})
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/api/realtime", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	sub, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sub.Body.Close()
	if sub.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe to %v: %d", topics, sub.StatusCode)
	}
	return l
}

func (l *Listener) read(res *http.Response) {
	defer res.Body.Close()
	defer close(l.events)
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ev Event
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			ev.Name = strings.TrimPrefix(line, "event:")
		case strings.HasPrefix(line, "data:"):
			ev.Data = strings.TrimPrefix(line, "data:")
		case line == "":
			if ev.Name != "" {
				l.events <- ev
			}
			ev = Event{}
		}
	}
}

// Next waits up to timeout for the next event; ok is false on timeout or once the server
// closed the connection.
func (l *Listener) Next(timeout time.Duration) (ev Event, ok bool) {
	select {
	case ev, ok = <-l.events:
		return ev, ok
	case <-time.After(timeout):
		return Event{}, false
	}
}
