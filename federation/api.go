package federation

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/outbox"
)

const msgStateReadOnly = "Federation state is the federation's own: no one writes it through the API, IT included. Use `alertbutton federation peer` or `roster import` on the appliance."

// trustFields are what a consulates row holds of the federation: whom this appliance trusts,
// with which keys, and where it sends their envelopes.
var trustFields = []string{"trust", "public_url", "signing_key", "seal_key", "signing_keys", "revoked_keys", "jurisdiction_version"}

// bindReadOnlyState keeps the API, batches included, from writing the federation's state:
// its collections, its outbox rows and the consulates' trust. Reads are untouched.
func bindReadOnlyState(app core.App) {
	refuse := func(e *core.RecordRequestEvent) error { return e.ForbiddenError(msgStateReadOnly, nil) }
	app.OnRecordCreateRequest(vocab.FederationCollections...).BindFunc(refuse)
	app.OnRecordUpdateRequest(vocab.FederationCollections...).BindFunc(refuse)
	app.OnRecordDeleteRequest(vocab.FederationCollections...).BindFunc(refuse)

	federationRow := func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("channel") == outbox.ChannelFederation || e.Record.Original().GetString("channel") == outbox.ChannelFederation {
			return e.ForbiddenError(msgStateReadOnly, nil)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest("outbox").BindFunc(federationRow)
	app.OnRecordUpdateRequest("outbox").BindFunc(federationRow)
	app.OnRecordDeleteRequest("outbox").BindFunc(federationRow)

	trustChanged := func(e *core.RecordRequestEvent) error {
		for _, f := range trustFields {
			value := e.Record.GetString(f)
			changed := value != e.Record.Original().GetString(f)
			if e.Record.IsNew() {
				changed = !slices.Contains([]string{"", "null", "[]"}, value)
			}
			if changed {
				return e.ForbiddenError(msgStateReadOnly, nil)
			}
		}
		return e.Next()
	}
	app.OnRecordCreateRequest("consulates").BindFunc(trustChanged)
	app.OnRecordUpdateRequest("consulates").BindFunc(trustChanged)
	app.OnRecordDeleteRequest("consulates").BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("trust") != "" {
			return e.ForbiddenError(msgStateReadOnly, nil)
		}
		return e.Next()
	})
}
