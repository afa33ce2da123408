package federation

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/records"
)

// nonceKeep is how long a request nonce is remembered: a request is accepted within a
// window on either side of now, so two windows cover every replay that could still verify.
const nonceKeep = 2 * protocol.Window

// useNonce records a request's nonce, refusing one already seen from the same key.
func useNonce(app core.App, keyID, nonce string) error {
	n, err := app.CountRecords("federation_nonces", dbx.HashExp{"key_id": keyID, "nonce": nonce})
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w (key %s)", errReplay, keyID)
	}
	c, err := app.FindCachedCollectionByNameOrId("federation_nonces")
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.Set("key_id", keyID)
	r.Set("nonce", nonce)
	return records.Save(app, r)
}

// pruneNonces forgets the nonces older than nonceKeep.
func pruneNonces(app core.App, now time.Time) error {
	before, err := types.ParseDateTime(now.Add(-nonceKeep))
	if err != nil {
		return err
	}
	_, err = app.DB().Delete("federation_nonces", dbx.NewExp("created < {:before}", dbx.Params{"before": before.String()})).Execute()
	return err
}
