package audit

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/groupcommit"
)

var errUnidentified = errors.New("audit: a realtime record for staff does not carry its id (a fields option left it out), so it is not sent")

// auditDelivery audits each personal record a realtime message carries to staff, expanded
// ones included, before the message is written. A message whose rows cannot be written is
// not sent, and the connection closes, so the client reconnects and reads afresh.
func (l *Log) auditDelivery(commits *groupcommit.Committer, e *core.RealtimeMessageEvent) error {
	auth, _ := e.Client.Get(apis.RealtimeClientAuthKey).(*core.Record)
	if !isStaff(auth) {
		return e.Next()
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(topicCollection(e.Message.Name))
	if err != nil {
		return e.Next() // not a records topic (PB_CONNECT, a custom topic)
	}
	var msg struct {
		Record map[string]any `json:"record"`
	}
	if err := json.Unmarshal(e.Message.Data, &msg); err != nil || msg.Record == nil {
		return e.Next() // not a record message
	}
	entries, err := delivered(collection.Name, msg.Record)
	if err == nil && len(entries) > 0 {
		for i := range entries {
			entries[i].Actor, entries[i].Action = Actor(auth), "realtime"
		}
		// Shared commits: in a surge every staff client hears of every alert.
		err = commits.Run(func(tx core.App) error { return l.appendEntries(tx, entries) })
	}
	if err != nil {
		e.App.Logger().Error("audit: a realtime message to staff was not sent because it could not be audited",
			"actor", Actor(auth), "clientId", e.Client.Id(), "error", err.Error())
		return err
	}
	return e.Next()
}

// topicCollection is the collection a records subscription names: "alerts/*?options=...",
// "alerts/RECORD_ID" or "alerts".
func topicCollection(topic string) string {
	topic, _, _ = strings.Cut(topic, "?")
	name, _, _ := strings.Cut(topic, "/")
	return name
}

// delivered lists the personal records in a message's record: the record itself (of the
// topic's collection) and its expands (which name their own collection).
func delivered(collection string, record map[string]any) ([]Entry, error) {
	var out []Entry
	if isPersonal(collection) {
		id, _ := record["id"].(string)
		if id == "" {
			return nil, errUnidentified
		}
		out = append(out, Entry{Collection: collection, RecordID: id})
	}
	expand, _ := record["expand"].(map[string]any)
	for _, x := range expand {
		items, isList := x.([]any)
		if !isList {
			items = []any{x}
		}
		for _, item := range items {
			r, _ := item.(map[string]any)
			if r == nil {
				continue
			}
			name, _ := r["collectionName"].(string)
			if name == "" {
				return nil, errUnidentified
			}
			more, err := delivered(name, r)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		}
	}
	return out, nil
}
