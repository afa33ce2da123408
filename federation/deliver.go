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
	"strings"
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
	if err := protocol.SignRequest(req, body, protocol.KeyID(cfg.Consulate.Code, cfg.Keys.SigningKey()), cfg.Keys.Signer(), now); err != nil {
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
	case res.StatusCode >= 500, res.StatusCode == http.StatusTooManyRequests, res.StatusCode == http.StatusRequestTimeout:
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
	peer, err := LoadPeer(w.r.app, w.code)
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
