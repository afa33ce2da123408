package federation

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/records"
)

// refusal is an inbox answer other than 200; the transaction that met it stores nothing.
type refusal struct {
	status int
	msg    string
}

func (r *refusal) Error() string { return r.msg }

func refuse(status int, format string, args ...any) *refusal {
	return &refusal{status: status, msg: fmt.Sprintf(format, args...)}
}

var errReplay = errors.New("federation: replayed request: this nonce was already used")

// inbox is POST /api/federation/v1/inbox: a peer delivers one envelope, signed by its origin,
// in a request signed by the peer. The envelope and its effects are stored in one
// transaction and answered with a signed receipt; a duplicate gets the stored receipt back.
func (s *Service) inbox(e *core.RequestEvent) error {
	body, err := io.ReadAll(io.LimitReader(e.Request.Body, protocol.MaxEnvelopeSize+1))
	if err != nil {
		return s.refused(e, refuse(http.StatusBadRequest, "federation: reading the body: %v", err))
	}
	if len(body) > protocol.MaxEnvelopeSize {
		return s.refused(e, refuse(http.StatusBadRequest, "federation: the body is more than %d bytes", protocol.MaxEnvelopeSize))
	}
	now := s.now()
	v, err := protocol.VerifyRequest(e.Request, body, s.requestKey(e.App, now), now, protocol.Window)
	if err != nil {
		return s.refused(e, err)
	}
	// Counted once the key proved the request: a forger cannot spend a peer's allowance.
	if ok, wait := s.limit.take(v.KeyID, now); !ok {
		return tooMany(e, v.KeyID, wait)
	}
	env, err := protocol.ParseEnvelope(body)
	if err != nil {
		return s.refused(e, err)
	}
	if env.Destination != s.cfg.Consulate.Code {
		return s.refused(e, refuse(http.StatusBadRequest, "federation: this is %s; the envelope is for %s", s.cfg.Consulate.Code, env.Destination))
	}
	sig := e.Request.Header.Get(protocol.HeaderEnvelopeSignature)
	if err := s.verifyOrigin(e.App, env, body, sig); err != nil {
		return s.refused(e, err)
	}
	msg, err := s.open(env)
	if err != nil {
		return s.refused(e, err)
	}
	receipt, err := s.accept(v, env, body, sig, msg, now)
	if err != nil {
		return s.refused(e, err)
	}
	return e.Blob(http.StatusOK, "application/json", receipt)
}

// refused answers a refusal: 400 for what is not in the wire format or not for this
// consulate, 401 for what does not prove who sent it, now.
func (s *Service) refused(e *core.RequestEvent, err error) error {
	status := http.StatusUnauthorized
	var r *refusal
	switch {
	case errors.As(err, &r):
		status = r.status
	case errors.Is(err, protocol.ErrMalformed):
		status = http.StatusBadRequest
	case errors.Is(err, protocol.ErrMissingHeaders), errors.Is(err, protocol.ErrUnknownKey),
		errors.Is(err, protocol.ErrBadSignature), errors.Is(err, protocol.ErrDigestMismatch),
		errors.Is(err, protocol.ErrExpired), errors.Is(err, protocol.ErrFuture), errors.Is(err, errReplay):
	default:
		e.App.Logger().Error("federation: inbox failed", "error", err)
		return e.InternalServerError("federation: the envelope could not be stored; send it again later", nil)
	}
	e.App.Logger().Warn("federation: inbox refused", "status", status, "key", e.Request.Header.Get(protocol.HeaderKeyID), "reason", err.Error())
	return e.Error(status, err.Error(), nil)
}

// requestKey finds the key that signed a request: a current, unrevoked key of a trusted peer.
func (s *Service) requestKey(app core.App, now time.Time) func(string) (ed25519.PublicKey, error) {
	return func(keyID string) (ed25519.PublicKey, error) {
		code, key, err := protocol.ParseKeyID(keyID)
		if err != nil {
			return nil, err
		}
		peer, err := s.peers.load(app, code)
		if errors.Is(err, ErrNotTrusted) {
			return nil, fmt.Errorf("%w: %s is not a trusted peer", protocol.ErrUnknownKey, code)
		}
		if err != nil {
			return nil, err // a 500: the sender tries again, and the log says why
		}
		if slices.Contains(peer.Revoked, key) {
			return nil, fmt.Errorf("%w: the roster revoked this key of %s", protocol.ErrUnknownKey, code)
		}
		if !peer.KeyValid(key, now) {
			return nil, fmt.Errorf("%w: not a current key of %s", protocol.ErrUnknownKey, code)
		}
		raw, _ := decodeKey(key, ed25519.PublicKeySize)
		return raw, nil
	}
}

// verifyOrigin checks the envelope's signature by its origin, with the keys the origin
// held when it created the envelope.
func (s *Service) verifyOrigin(app core.App, env *protocol.Envelope, body []byte, sig string) error {
	peer, err := s.peers.load(app, env.Origin)
	if errors.Is(err, ErrNotTrusted) {
		return fmt.Errorf("%w: the origin %s is not a trusted peer", protocol.ErrUnknownKey, env.Origin)
	}
	if err != nil {
		return err
	}
	keys := peer.KeysAt(env.CreatedAt)
	if len(keys) == 0 {
		return fmt.Errorf("%w: %s had no valid, unrevoked key at %s", protocol.ErrUnknownKey, env.Origin, env.CreatedAt.Format(time.RFC3339))
	}
	return protocol.VerifyEnvelope(body, sig, keys...)
}

// open reads the sealed message.
func (s *Service) open(env *protocol.Envelope) (*message, error) {
	plain, err := protocol.Open(env, s.cfg.Keys().SealPrivate())
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "federation: the sealed content does not open with %s's seal key (was it sealed to an old key?): %v", s.cfg.Consulate.Code, err)
	}
	msg := &message{}
	if err := json.Unmarshal(plain, msg); err != nil {
		return nil, refuse(http.StatusBadRequest, "federation: the sealed content is not a message: %v", err)
	}
	return msg, nil
}

// accept stores the envelope and its effects and returns the receipt. Envelopes that
// arrive together share one transaction (groupcommit); each is answered only once the
// transaction holding it has committed. The receipt is signed before the write, so that the
// one writer does not wait for the signature; a duplicate gets its stored receipt instead.
func (s *Service) accept(v protocol.Verified, env *protocol.Envelope, body []byte, sig string, msg *message, now time.Time) ([]byte, error) {
	signed, err := protocol.NewReceipt(env, s.cfg.Consulate.Code, s.cfg.Keys().Signer(), now)
	if err != nil {
		return nil, err
	}
	a := &arrival{v: v, env: env, body: body, sig: sig, msg: msg, receipt: signed}
	var receipt []byte
	err = s.commits.Run(func(tx core.App) error {
		var err error
		receipt, err = s.store(tx, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return receipt, nil
}

// arrival is an envelope verified and opened, to be stored with its receipt.
type arrival struct {
	v       protocol.Verified
	env     *protocol.Envelope
	body    []byte
	sig     string
	msg     *message
	receipt []byte
}

// store stores one envelope and its effects in tx and returns the receipt; a duplicate
// gets the stored receipt back.
func (s *Service) store(tx core.App, a *arrival) ([]byte, error) {
	if err := useNonce(tx, a.v.KeyID, a.v.Nonce); err != nil {
		return nil, err
	}
	if prev, err := tx.FindFirstRecordByData("federation_inbox", "envelope_id", a.env.ID); err == nil {
		if prev.GetString("receipt") == "" {
			return a.receipt, nil // a tombstone left by the retention (PruneInbox)
		}
		return []byte(prev.GetString("receipt")), nil
	}
	applied, err := s.apply(tx, a.env, a.msg)
	if err != nil {
		return nil, err
	}
	return a.receipt, storeEnvelope(tx, a.env, a.body, a.sig, a.receipt, applied)
}

func storeEnvelope(app core.App, env *protocol.Envelope, body []byte, sig string, receipt []byte, applied bool) error {
	c, err := app.FindCachedCollectionByNameOrId("federation_inbox")
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.Set("envelope_id", env.ID)
	r.Set("type", env.Type)
	r.Set("alert", env.Alert)
	r.Set("origin", env.Origin)
	r.Set("seq", env.Seq)
	r.Set("envelope", string(body))
	r.Set("signature", sig)
	r.Set("receipt", string(receipt))
	r.Set("applied", applied)
	return records.Save(app, r)
}
