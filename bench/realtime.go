package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// rtEvent is one realtime record event a subscriber saw.
type rtEvent struct {
	Sub    int
	Action string
	UID    string
	At     time.Time
}

// realtimeWatch is a set of staff subscribed to a collection over SSE (/api/realtime).
type realtimeWatch struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	events  []rtEvent
	errs    []string
	changed chan struct{}
}

// watchRealtime connects one SSE client per token, subscribes each to topic and returns
// once every one is subscribed (or fails after 30 s).
func watchRealtime(base, topic string, tokens []string) (*realtimeWatch, error) {
	ctx, cancel := context.WithCancel(context.Background())
	w := &realtimeWatch{cancel: cancel, changed: make(chan struct{}, 1)}
	ready := make(chan error, len(tokens))
	for i, token := range tokens {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			err := w.listen(ctx, i, base, topic, token, ready)
			if err != nil && ctx.Err() == nil {
				w.mu.Lock()
				w.errs = append(w.errs, err.Error())
				w.mu.Unlock()
				select {
				case ready <- err:
				default:
				}
			}
		}()
	}
	timeout := time.After(30 * time.Second)
	for range tokens {
		select {
		case err := <-ready:
			if err != nil {
				w.Close()
				return nil, fmt.Errorf("realtime subscription: %w", err)
			}
		case <-timeout:
			w.Close()
			return nil, fmt.Errorf("realtime: %d subscribers not ready within 30 s", len(tokens))
		}
	}
	return w, nil
}

func (w *realtimeWatch) listen(ctx context.Context, i int, base, topic, token string, ready chan<- error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/realtime: %s", res.Status)
	}
	rd := bufio.NewReaderSize(res.Body, 64<<10)
	var event string
	var data bytes.Buffer
	for {
		line, err := rd.ReadBytes('\n')
		if err != nil {
			return err
		}
		at := time.Now()
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if event != "" {
				if err := w.dispatch(i, event, data.Bytes(), at, base, topic, token, ready); err != nil {
					return err
				}
			}
			event = ""
			data.Reset()
		case bytes.HasPrefix(line, []byte("event:")):
			event = strings.TrimSpace(string(line[6:]))
		case bytes.HasPrefix(line, []byte("data:")):
			data.Write(bytes.TrimPrefix(line[5:], []byte(" ")))
		}
	}
}

func (w *realtimeWatch) dispatch(i int, event string, data []byte, at time.Time, base, topic, token string, ready chan<- error) error {
	if event == "PB_CONNECT" {
		var c struct{ ClientID string }
		if err := json.Unmarshal(data, &c); err != nil || c.ClientID == "" {
			return fmt.Errorf("PB_CONNECT without a clientId: %s", data)
		}
		// Subscribing from another goroutine: the server only answers once it can write to
		// this stream again, which this reader must keep draining.
		go func() {
			ready <- subscribe(base, c.ClientID, topic, token)
		}()
		return nil
	}
	var m struct {
		Action string
		Record struct {
			UID string `json:"uid"`
		}
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("realtime event %s: %v", event, err)
	}
	w.mu.Lock()
	w.events = append(w.events, rtEvent{Sub: i, Action: m.Action, UID: m.Record.UID, At: at})
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return nil
}

func subscribe(base, clientID, topic, token string) error {
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": []string{topic}})
	req, err := http.NewRequest(http.MethodPost, base+"/api/realtime", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("subscribing to %s: %s %s", topic, res.Status, msg)
	}
	return nil
}

// Count is the number of create events seen so far.
func (w *realtimeWatch) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, e := range w.events {
		if e.Action == "create" {
			n++
		}
	}
	return n
}

// Wait waits until n create events were seen or the timeout passes; it returns the count.
func (w *realtimeWatch) Wait(n int, timeout time.Duration) int {
	deadline := time.After(timeout)
	for {
		got := w.Count()
		if got >= n {
			return got
		}
		select {
		case <-deadline:
			return got
		case <-w.changed:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Take returns the events so far and forgets them, with the subscribers' errors.
func (w *realtimeWatch) Take() ([]rtEvent, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ev, errs := w.events, w.errs
	w.events, w.errs = nil, nil
	return ev, errs
}

func (w *realtimeWatch) Close() {
	w.cancel()
	w.wg.Wait()
}
