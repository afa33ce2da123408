package federation

import (
	"net/http"
	"slices"
	"time"

	"alertbutton/hooks/outbox"

	"github.com/pocketbase/pocketbase/core"
)

// PeerHealth is one peer's delivery health, for IT.
type PeerHealth struct {
	Code                     string  `json:"code"`
	URL                      string  `json:"url"`
	Trust                    string  `json:"trust"` // direct, roster, or "" for a peer with rows and no trust
	Queue                    int     `json:"queue"`
	OldestUndelivered        string  `json:"oldestUndelivered,omitempty"`
	OldestUndeliveredSeconds float64 `json:"oldestUndeliveredSeconds"`
	LastError                string  `json:"lastError"`
	LastErrorAt              string  `json:"lastErrorAt,omitempty"`
	LastSuccessAt            string  `json:"lastSuccessAt,omitempty"`
	RetryAt                  string  `json:"retryAt,omitempty"`
}

// health is GET /api/federation/v1/health (superusers): every trusted peer and every peer
// with rows to send.
func (s *Service) health(e *core.RequestEvent) error {
	peers, err := Health(e.App, s.now())
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"consulate": s.cfg.Consulate.Code, "peers": peers})
}

// Health reads the queue from the outbox and the last outcomes from federation_peers.
func Health(app core.App, now time.Time) ([]PeerHealth, error) {
	byCode := map[string]*PeerHealth{}
	get := func(code string) *PeerHealth {
		if h, ok := byCode[code]; ok {
			return h
		}
		h := &PeerHealth{Code: code}
		byCode[code] = h
		return h
	}
	trusted, err := Peers(app)
	if err != nil {
		return nil, err
	}
	for _, p := range trusted {
		h := get(p.Code)
		h.URL, h.Trust = p.URL, p.Trust
	}
	var queues []struct {
		Target string `db:"target"`
		Count  int    `db:"n"`
		Oldest string `db:"oldest"`
	}
	err = app.DB().Select("target", "count(*) AS n", "min(created) AS oldest").From("outbox").
		Where(outbox.PendingFederation()).GroupBy("target").All(&queues)
	if err != nil {
		return nil, err
	}
	for _, q := range queues {
		h := get(q.Target)
		h.Queue = q.Count
		if oldest := parseDate(q.Oldest); !oldest.IsZero() {
			h.OldestUndelivered = oldest.Format(time.RFC3339)
			h.OldestUndeliveredSeconds = max(now.Sub(oldest).Seconds(), 0)
		}
	}
	recs, err := app.FindAllRecords("federation_peers")
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if _, ok := byCode[r.GetString("code")]; !ok && r.GetInt("queue") == 0 {
			continue // neither trusted nor waiting: history only
		}
		h := get(r.GetString("code"))
		h.LastError = r.GetString("last_error")
		h.LastErrorAt = rfc3339(r, "last_error_at")
		h.LastSuccessAt = rfc3339(r, "last_success_at")
		h.RetryAt = rfc3339(r, "retry_at")
	}
	out := make([]PeerHealth, 0, len(byCode))
	for _, h := range byCode {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b PeerHealth) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	return out, nil
}

func rfc3339(r *core.Record, field string) string {
	dt := r.GetDateTime(field)
	if dt.IsZero() {
		return ""
	}
	return dt.Time().UTC().Format(time.RFC3339)
}
