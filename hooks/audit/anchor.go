package audit

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// An Anchor is the chain's head at one moment, signed with the appliance's Ed25519 key
// (the federation signing key). Whoever keeps one can later check that the log still holds
// that row with that hash, so a log rewritten or cut afterwards, even consistently by
// someone with the database and the secret, no longer matches it.
type Anchor struct {
	Key  string // the signing public key, base64url: the appliance that signed
	Time time.Time
	Seq  int64
	Hash string
	Sig  []byte
}

const anchorPrefix = "alertbutton audit head v1"

// SignHead signs the current head of app's chain.
func SignHead(app core.App, signer ed25519.PrivateKey, now time.Time) (Anchor, error) {
	seq, hash, err := Head(app)
	if err != nil {
		return Anchor{}, err
	}
	a := Anchor{Key: keyText(signer.Public().(ed25519.PublicKey)), Time: now.UTC().Truncate(time.Second), Seq: seq, Hash: hash}
	a.Sig = ed25519.Sign(signer, []byte(a.signed()))
	return a, nil
}

func (a Anchor) signed() string {
	return fmt.Sprintf("%s key=%s time=%s seq=%d hash=%s",
		anchorPrefix, a.Key, a.Time.UTC().Format(time.RFC3339), a.Seq, a.Hash)
}

func keyText(pub ed25519.PublicKey) string { return base64.RawURLEncoding.EncodeToString(pub) }

// String is the anchor as one line of text, to log, print or hand over.
func (a Anchor) String() string {
	return a.signed() + " sig=" + base64.RawURLEncoding.EncodeToString(a.Sig)
}

var errAnchorFormat = errors.New("not an audit head line: want \"" + anchorPrefix + " key=... time=... seq=... hash=... sig=...\"")

// ParseAnchor reads a line written by Anchor.String.
func ParseAnchor(line string) (Anchor, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), anchorPrefix+" ")
	if !ok {
		return Anchor{}, errAnchorFormat
	}
	fields := map[string]string{}
	for _, f := range strings.Fields(rest) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Anchor{}, errAnchorFormat
		}
		fields[k] = v
	}
	var a Anchor
	var err error
	a.Key, a.Hash = fields["key"], fields["hash"]
	if a.Time, err = time.Parse(time.RFC3339, fields["time"]); err != nil {
		return Anchor{}, errAnchorFormat
	}
	if a.Seq, err = strconv.ParseInt(fields["seq"], 10, 64); err != nil {
		return Anchor{}, errAnchorFormat
	}
	if a.Sig, err = base64.RawURLEncoding.DecodeString(fields["sig"]); err != nil || len(fields) != 5 {
		return Anchor{}, errAnchorFormat
	}
	return a, nil
}

// CheckAnchor checks that a was signed with pub and that app's log still holds its head.
// It does not walk the chain: Verify does.
func CheckAnchor(app core.App, a Anchor, pub ed25519.PublicKey) error {
	if a.Key != keyText(pub) || !ed25519.Verify(pub, []byte(a.signed()), a.Sig) {
		return errors.New("the audit head line is not signed by this appliance's key")
	}
	if a.Seq == 0 {
		return nil
	}
	var row struct {
		ID   string `db:"id"`
		Hash string `db:"hash"`
	}
	err := app.DB().Select("id", "hash").From("audit_log").Where(dbx.HashExp{"seq": a.Seq}).One(&row)
	if isNoRows(err) {
		return &Break{Seq: a.Seq, Reason: "the row of the head signed at " + a.Time.Format(time.RFC3339) + " is missing: the log was cut or rewritten"}
	}
	if err != nil {
		return err
	}
	if row.Hash != a.Hash {
		return &Break{Seq: a.Seq, ID: row.ID, Reason: "the row differs from the head signed at " + a.Time.Format(time.RFC3339) + ": the log was rewritten"}
	}
	return nil
}
