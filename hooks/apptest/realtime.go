package apptest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Listener is a realtime client of /api/realtime, as PocketBase's JS SDK is.
type Listener struct {
	mu     sync.Mutex
	events []Event
	next   int           // how many Next returned
	closed bool          // the server closed the connection
	signal chan struct{} // closed, and replaced, at each event and at the end
}

// Event is one server-sent event.
type Event struct{ Name, Data string }

// Listen connects to srv's realtime endpoint and subscribes to topics with the token as
// Authorization (none when empty). The connection closes when the test ends.
func Listen(t testing.TB, srv *httptest.Server, token string, topics ...string) *Listener {
	t.Helper()
	l, clientID := Connect(t, srv)
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/realtime", strings.NewReader(string(body)))
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

// Connect opens a realtime connection to srv, subscribed to nothing yet, and returns its
// listener and the client id to subscribe with. The connection closes when the test ends.
func Connect(t testing.TB, srv *httptest.Server) (*Listener, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	l := &Listener{signal: make(chan struct{})}
	go l.read(res)
	connect, ok := l.Next(5 * time.Second)
	if !ok || connect.Name != "PB_CONNECT" {
		t.Fatalf("first event %+v", connect)
	}
	var hello struct{ ClientID string }
	json.Unmarshal([]byte(connect.Data), &hello)
	return l, hello.ClientID
}

func (l *Listener) read(res *http.Response) {
	defer res.Body.Close()
	defer l.close()
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
				l.add(ev)
			}
			ev = Event{}
		}
	}
}

func (l *Listener) add(ev Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, ev)
	close(l.signal)
	l.signal = make(chan struct{})
}

func (l *Listener) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	close(l.signal)
}

// Next waits up to timeout for the next event; ok is false on timeout or once the server
// closed the connection.
func (l *Listener) Next(timeout time.Duration) (ev Event, ok bool) {
	deadline := time.After(timeout)
	for {
		l.mu.Lock()
		if l.next < len(l.events) {
			ev = l.events[l.next]
			l.next++
			l.mu.Unlock()
			return ev, true
		}
		closed, wait := l.closed, l.signal
		l.mu.Unlock()
		if closed {
			return Event{}, false
		}
		select {
		case <-wait:
		case <-deadline:
			return Event{}, false
		}
	}
}

// Heard is the data of every event heard so far but PB_CONNECT, whether Next returned it or
// not.
func (l *Listener) Heard() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var data []string
	for _, ev := range l.events {
		if ev.Name != "PB_CONNECT" {
			data = append(data, ev.Data)
		}
	}
	return data
}
