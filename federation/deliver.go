package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"alertbutton/federation/protocol"

	"github.com/pocketbase/pocketbase/core"
)

type outcome int

const (
	sent    outcome = iota // the peer stored it: a valid receipt came back
	down                   // the peer could not be reached or could not store it now
	refused                // the peer, or this appliance, refused this row
)

// inFlight is how many rows a worker posts to its peer at once, once the peer is known up:
// enough to overlap the round trip and the two sides' commits, and for the peer's group
// commit to store several together. A 10,000-alert backlog drained in 36 s with 16, in 42 s
// with 4 (BENCHMARKS.md).
const inFlight = 16

// result is the outcome of one row's delivery.
type result struct {
	row *core.Record
	out outcome
	err error
}

// delivery is one pass's deliveries to a peer, shared by the rows in flight.
type delivery struct {
	mu      sync.Mutex
	up      bool  // the peer answered a probe or took a row
	failed  int   // failures to reach the peer in a row
	stop    error // why the peer is backed off: send nothing more
	results []result
}

// buildChunk is how many alerts' rows are built in one transaction while the rows built
// before are posted: each transaction is a commit, and 25 drained a backlog 7% faster
// than 10 (BENCHMARKS.md).
const buildChunk = 25

// deliverAll builds the rows' missing envelopes and posts them: one alert at a time until
// the peer is known up, then inFlight alerts at a time, while the next alerts' envelopes
// are built. An alert's own rows go one after the other, in order, so that the peer gets
// its messages as they were written.
func (w *worker) deliverAll(ctx context.Context, peer *Peer, rows []*core.Record, now time.Time, up bool) *delivery {
	d := &delivery{up: up}
	groups := byAlert(rows)
	for len(groups) > 0 && !d.known() && ctx.Err() == nil {
		w.deliverGroup(ctx, d, peer, w.prepare(groups[0], now), now)
		groups = groups[1:]
	}
	next := make(chan []*core.Record, len(groups))
	var wg sync.WaitGroup
	for range min(inFlight, len(groups)) {
		wg.Go(func() {
			for g := range next {
				w.deliverGroup(ctx, d, peer, g, now)
			}
		})
	}
	for chunk := range slices.Chunk(groups, buildChunk) {
		if d.stopped() || ctx.Err() != nil {
			break
		}
		for _, g := range byAlert(w.prepare(slices.Concat(chunk...), now)) {
			next <- g
		}
	}
	close(next)
	wg.Wait()
	return d
}

// deliverGroup posts one alert's rows in order, until the peer is backed off.
func (w *worker) deliverGroup(ctx context.Context, d *delivery, peer *Peer, rows []*core.Record, now time.Time) {
	for _, row := range rows {
		if ctx.Err() != nil || d.stopped() {
			return
		}
		out, err := w.deliver(ctx, peer, row, now)
		d.add(result{row: row, out: out, err: err})
	}
}

// add keeps a row's outcome. A failure to reach the peer stops the pass unless the peer
// was seen up, and a second one in a row stops it all the same; a peer that asks to slow
// down (429) stops it at once.
func (d *delivery) add(r result) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.results = append(d.results, r)
	switch r.out {
	case sent:
		d.up, d.failed = true, 0
	case down:
		var th *throttled
		if d.failed++; (d.failed > 1 || !d.up || errors.As(r.err, &th)) && d.stop == nil {
			d.stop = r.err
		}
	}
}

// known reports whether the pass knows whether the peer is up: it answered, or it is
// backed off.
func (d *delivery) known() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.up || d.stop != nil
}

func (d *delivery) stopped() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stop != nil
}

// byAlert groups rows by alert, in the order of their first row, each in its order.
func byAlert(rows []*core.Record) [][]*core.Record {
	var groups [][]*core.Record
	index := map[string]int{}
	for _, row := range rows {
		uid := row.GetString("alert")
		i, ok := index[uid]
		if !ok {
			i = len(groups)
			index[uid] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], row)
	}
	return groups
}

// deliver posts the row's envelope, as stored, in a request signed now.
func (w *worker) deliver(ctx context.Context, peer *Peer, row *core.Record, now time.Time) (outcome, error) {
	body := []byte(row.GetString("envelope"))
	env, err := protocol.ParseEnvelope(body)
	if err != nil {
		return refused, fmt.Errorf("the stored envelope does not parse: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, peerURL(peer, InboxPath), bytes.NewReader(body))
	if err != nil {
		return refused, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(protocol.HeaderEnvelopeSignature, row.GetString("signature"))
	cfg := w.r.cfg
	if err := protocol.SignRequest(req, body, protocol.KeyID(cfg.Consulate.Code, cfg.Keys().SigningKey()), cfg.Keys().Signer(), now); err != nil {
		return refused, err
	}
	res, err := w.r.opts.Client.Do(req)
	if err != nil {
		return down, fmt.Errorf("%s: %s", peer.Code, errorText(err))
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, protocol.MaxReceiptSize+1))
	if err != nil {
		return down, fmt.Errorf("%s: reading the answer: %s", peer.Code, errorText(err))
	}
	switch {
	case res.StatusCode == http.StatusOK:
		if err := verifyReceipt(answer, env, peer, now); err != nil {
			return refused, fmt.Errorf("%s answered 200 without a valid receipt: %w", peer.Code, err)
		}
		return sent, nil
	case res.StatusCode == http.StatusTooManyRequests:
		return down, &throttled{wait: retryAfter(res.Header.Get("Retry-After"), now),
			msg: fmt.Sprintf("%s answered 429: %s", peer.Code, apiMessage(answer))}
	case res.StatusCode >= 500, res.StatusCode == http.StatusRequestTimeout:
		return down, fmt.Errorf("%s answered %d: %s", peer.Code, res.StatusCode, apiMessage(answer))
	}
	return refused, fmt.Errorf("%s refused it (%d): %s", peer.Code, res.StatusCode, apiMessage(answer))
}

// verifyReceipt accepts a receipt signed with one of the peer's current keys.
func verifyReceipt(b []byte, env *protocol.Envelope, peer *Peer, now time.Time) error {
	err := fmt.Errorf("%w: no current key of %s", protocol.ErrUnknownKey, peer.Code)
	for _, k := range peer.KeysAt(now) {
		if err = protocol.VerifyReceipt(b, env, k); err == nil {
			return nil
		}
	}
	return err
}

// probe asks the peer whether it answers at all; it proves nothing else.
func (w *worker) probe(ctx context.Context) bool {
	peer, err := w.r.peers.load(w.r.app, w.code)
	if err != nil {
		return true // nothing to probe: let the rows say why
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, peerURL(peer, "/api/health"), nil)
	if err != nil {
		return false
	}
	res, err := w.r.opts.Client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	res.Body.Close()
	return res.StatusCode < 300
}

func peerURL(peer *Peer, path string) string {
	return strings.TrimRight(peer.URL, "/") + path
}

// apiMessage is the message of a PocketBase error answer, or the start of the answer.
func apiMessage(b []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return e.Message
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return strings.TrimSpace(string(b))
}

// errorText is err without the URL a *url.Error repeats.
func errorText(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Op + ": " + urlErr.Err.Error()
	}
	return err.Error()
}
