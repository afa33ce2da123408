package federation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/schedule"
)

// Roster distribution: any node holding the signed roster serves it as imported, and an
// appliance started with --roster-url fetches it on a schedule and imports it as `roster
// import` does (ImportRoster: the root key's signature, a newer version only).
const (
	RosterPath      = "/api/federation/v1/roster"
	RosterFetchPath = "/api/federation/v1/roster/fetch"
	// JobRosterFetch is the fetch in the jobs collection.
	JobRosterFetch = "federation_roster_fetch"
)

// rosterFetchTimeout bounds one fetch.
const rosterFetchTimeout = 30 * time.Second

// HeldRoster is the newest roster imported, exactly as signed; nil when none.
func HeldRoster(app core.App) ([]byte, error) {
	var raw string
	err := app.DB().Select("roster").From("federation_rosters").OrderBy("version DESC").Limit(1).Row(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return []byte(raw), err
}

// roster is GET RosterPath: public, for the roster is signed and names no person.
func (s *Service) roster(e *core.RequestEvent) error {
	raw, err := HeldRoster(e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	if raw == nil {
		return e.NotFoundError("This appliance holds no roster. Este equipo no tiene ninguna lista de consulados firmada.", nil)
	}
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.Blob(http.StatusOK, "application/json", raw)
}

// rosterFetch tracks the fetches, for the health report.
type rosterFetch struct {
	mu      sync.Mutex
	at, ok  time.Time
	failing time.Time // the first failed fetch since the last good one
	lastErr string
}

// RosterStatus is the roster in the health report: the version held and how fetching goes.
type RosterStatus struct {
	Version     int64  `json:"version"`
	URL         string `json:"url,omitempty"`
	LastFetchAt string `json:"lastFetchAt,omitempty"`
	LastOKAt    string `json:"lastOkAt,omitempty"`
	LastError   string `json:"lastError,omitempty"` // only while the last fetch failed
	Line        string `json:"line"`
}

func (s *Service) rosterStatus(app core.App) (RosterStatus, error) {
	v, err := HeldRosterVersion(app)
	if err != nil {
		return RosterStatus{}, err
	}
	st := RosterStatus{Version: v, URL: s.cfg.Roster.URL}
	s.fetched.mu.Lock()
	at, ok, failing, lastErr := s.fetched.at, s.fetched.ok, s.fetched.failing, s.fetched.lastErr
	s.fetched.mu.Unlock()
	st.LastFetchAt, st.LastOKAt, st.LastError = stamp(at), stamp(ok), lastErr
	switch {
	case st.URL == "":
		st.Line = fmt.Sprintf("roster version %d, imported by hand (no --roster-url)", v)
	case at.IsZero():
		st.Line = fmt.Sprintf("roster version %d, not fetched yet", v)
	case lastErr != "":
		st.Line = fmt.Sprintf("roster version %d, fetch failing since %s: %s", v, stamp(failing), lastErr)
	default:
		st.Line = fmt.Sprintf("roster version %d, fetched %s", v, st.LastOKAt)
	}
	return st, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// FetchRoster fetches the roster from --roster-url and imports it if newer. The roster held
// again counts as a good fetch (nothing to do); an older one is refused and fails the fetch.
func (s *Service) FetchRoster(app core.App, now time.Time) (*ImportResult, error) {
	src := s.cfg.Roster
	if src.URL == "" {
		return nil, errors.New("no --roster-url: this appliance fetches no roster")
	}
	res, err := s.fetchAndImport(app, now)
	if errors.As(err, new(*NotNewerError)) && err.(*NotNewerError).Version == err.(*NotNewerError).Held {
		err = nil
	}
	s.fetched.mu.Lock()
	s.fetched.at = now
	s.fetched.lastErr = ""
	switch {
	case err == nil:
		s.fetched.ok, s.fetched.failing = now, time.Time{}
	case s.fetched.failing.IsZero():
		s.fetched.failing = now
		fallthrough
	default:
		s.fetched.lastErr = err.Error()
	}
	s.fetched.mu.Unlock()
	return res, err
}

func (s *Service) fetchAndImport(app core.App, now time.Time) (*ImportResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), rosterFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.Roster.URL, nil)
	if err != nil {
		return nil, err
	}
	res, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the roster: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, protocol.MaxRosterSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetching the roster: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the roster: %s answered %d", s.cfg.Roster.URL, res.StatusCode)
	}
	return ImportRoster(app, s.cfg.Consulate.Code, raw, s.cfg.Roster.Root, now)
}

// rosterJob fetches the roster every --roster-every.
func (s *Service) rosterJob(app core.App) schedule.Job {
	return schedule.Job{Name: JobRosterFetch, Schedule: "@every " + s.cfg.Roster.Every.String(), Run: func(now time.Time) (int, error) {
		res, err := s.FetchRoster(app, now)
		if res == nil {
			return 0, err
		}
		app.Logger().Info("federation: roster imported", "version", res.Version, "trusted", len(res.Trusted), "dropped", len(res.Dropped))
		return 1, err
	}}
}

// bindFirstRosterFetch fetches the roster once as serve starts, not an interval later, and
// waits for that fetch before the database closes.
func (s *Service) bindFirstRosterFetch(app core.App) {
	var first sync.WaitGroup
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		first.Go(func() { s.sched.RunJob(JobRosterFetch) })
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		first.Wait()
		return e.Next()
	})
}

// rosterFetchNow is POST RosterFetchPath (IT): the scheduled fetch, now, recorded as a run
// of the job; it answers with the health report's roster.
func (s *Service) rosterFetchNow(e *core.RequestEvent) error {
	if s.cfg.Roster.URL == "" || s.sched == nil {
		return e.BadRequestError("This appliance was started without --roster-url. Este equipo se inició sin --roster-url.", nil)
	}
	_, runErr := s.sched.RunJob(JobRosterFetch)
	st, err := s.rosterStatus(e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	status := http.StatusOK
	if runErr != nil {
		status = http.StatusBadGateway
	}
	return e.JSON(status, st)
}
