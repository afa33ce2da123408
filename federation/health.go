package federation

import (
	"fmt"
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
	// State is ok, degraded or down (see peerState); Since is when it began, and Line says
	// both in one line.
	State         string `json:"state"`
	Since         string `json:"since,omitempty"`
	Line          string `json:"line"`
	LastError     string `json:"lastError"` // only while not ok: a recovery clears it
	LastErrorAt   string `json:"lastErrorAt,omitempty"`
	LastSuccessAt string `json:"lastSuccessAt,omitempty"`
	RetryAt       string `json:"retryAt,omitempty"`
}

// Peer states.
const (
	PeerOK       = "ok"
	PeerDegraded = "degraded"
	PeerDown     = "down"
)

// degradedAfter is how long an envelope may wait for a peer that answers before the peer is
// degraded: longer than the relay's retries of a peer that is up take.
const degradedAfter = time.Minute

// Network counts the peers in each state.
type Network struct {
	Peers    int `json:"peers"`
	OK       int `json:"ok"`
	Degraded int `json:"degraded"`
	Down     int `json:"down"`
}

// HealthReport is GET HealthPath: the network in one line of counts and one line a peer,
// then the roster, then (unless ?summary=1) each peer in full.
type HealthReport struct {
	Consulate string       `json:"consulate"`
	Summary   string       `json:"summary"`
	Network   Network      `json:"network"`
	Lines     []string     `json:"lines"`
	Roster    RosterStatus `json:"roster"`
	Peers     []PeerHealth `json:"peers,omitempty"`
}

// health is GET /api/federation/v1/health (superusers): every trusted peer and every peer
// with rows to send.
func (s *Service) health(e *core.RequestEvent) error {
	peers, err := Health(e.App, s.now())
	if err != nil {
		return e.InternalServerError("", err)
	}
	roster, err := s.rosterStatus(e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	r := HealthReport{Consulate: s.cfg.Consulate.Code, Network: Summarize(peers), Roster: roster, Lines: make([]string, 0, len(peers))}
	r.Summary = r.Network.String()
	for _, p := range peers {
		r.Lines = append(r.Lines, p.Line)
	}
	if e.Request.URL.Query().Get("summary") != "1" {
		r.Peers = peers
	}
	return e.JSON(http.StatusOK, r)
}

// Summarize counts the peers in each state.
func Summarize(peers []PeerHealth) Network {
	n := Network{Peers: len(peers)}
	for _, p := range peers {
		switch p.State {
		case PeerDown:
			n.Down++
		case PeerDegraded:
			n.Degraded++
		default:
			n.OK++
		}
	}
	return n
}

func (n Network) String() string {
	peers := "peers"
	if n.Peers == 1 {
		peers = "peer"
	}
	return fmt.Sprintf("%d %s: %d ok, %d degraded, %d down", n.Peers, peers, n.OK, n.Degraded, n.Down)
}

// peerState is a peer's state: down since its first failure after its last delivery (the
// last outcome was a failure); degraded since the oldest envelope waiting for it, when that
// waited longer than degradedAfter though the peer answers; else ok, and its old error is
// history, not shown.
func (h *PeerHealth) peerState(failingSince time.Time) {
	switch {
	case !failingSince.IsZero():
		h.State, h.Since = PeerDown, failingSince.UTC().Format(time.RFC3339)
	case h.Queue > 0 && h.OldestUndeliveredSeconds > degradedAfter.Seconds():
		h.State, h.Since = PeerDegraded, h.OldestUndelivered
	default:
		h.State, h.LastError, h.LastErrorAt = PeerOK, "", ""
	}
	h.Line = h.Code + " " + h.State
	if h.Since != "" {
		h.Line += " since " + h.Since
	}
	if h.Queue > 0 {
		h.Line += fmt.Sprintf(", %d waiting", h.Queue)
	}
	if h.LastError != "" {
		h.Line += ": " + shortError(h.LastError)
	}
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
	failing := map[string]time.Time{}
	for _, r := range recs {
		if _, ok := byCode[r.GetString("code")]; !ok && r.GetInt("queue") == 0 {
			continue // neither trusted nor waiting: history only
		}
		h := get(r.GetString("code"))
		h.LastError = r.GetString("last_error")
		h.LastErrorAt = rfc3339(r, "last_error_at")
		h.LastSuccessAt = rfc3339(r, "last_success_at")
		h.RetryAt = rfc3339(r, "retry_at")
		failing[h.Code] = r.GetDateTime("failing_since").Time()
	}
	out := make([]PeerHealth, 0, len(byCode))
	for _, h := range byCode {
		h.peerState(failing[h.Code])
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

// lineErrorMax keeps a peer's line short: the whole error is in lastError.
const lineErrorMax = 120

func shortError(s string) string {
	r := []rune(s)
	if len(r) <= lineErrorMax {
		return s
	}
	return string(r[:lineErrorMax-1]) + "…"
}

func rfc3339(r *core.Record, field string) string {
	dt := r.GetDateTime(field)
	if dt.IsZero() {
		return ""
	}
	return dt.Time().UTC().Format(time.RFC3339)
}
