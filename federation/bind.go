package federation

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/schedule"
)

// Routes.
const (
	InboxPath  = "/api/federation/v1/inbox"
	HealthPath = "/api/federation/v1/health"
	NotesPath  = "/api/alertbutton/federation/alerts/{uid}/notes"
)

// Options tune the federation; the zero value is the production setting.
type Options struct {
	Now        func() time.Time // the clock; default time.Now
	Client     *http.Client     // for peers; default: a 20 s timeout, no redirects
	Rand       *rand.Rand       // backoff jitter; default: the global source
	ProbeEvery time.Duration    // how often a peer known down is probed; default 2 s
	Sweep      time.Duration    // how often thresholds and new peers are checked; default 5 s
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: sendTimeout, CheckRedirect: noRedirects, Transport: peerTransport()}
	}
	if o.ProbeEvery <= 0 {
		o.ProbeEvery = probeEvery
	}
	if o.Sweep <= 0 {
		o.Sweep = sweepEvery
	}
	return o
}

// Service is one appliance's federation: the inbox, health and notes routes, the peer cache
// they share with the relay, and the running relay.
type Service struct {
	cfg *appliance.Config
	// dir routes alerts; a peer's copy comes routed, but goes through the one Raise.
	dir *directory.Table
	// audit keeps the notes staff send.
	audit *audit.Log
	mu    sync.Mutex
	clock func() time.Time
	// commits groups the inbox's writes: envelopes arriving together share a commit.
	commits *groupcommit.Committer
	// limit is the inbox's allowance per peer key.
	limit *keyBuckets
	// peers caches the trusted peers for the inbox and the relay.
	peers *peerCache
	// relay is the running relay (BindRelay), nil when none.
	relay atomic.Pointer[Relay]
	// sched runs the roster fetch (--roster-url); client fetches it; fetched is how it went.
	sched   *schedule.Scheduler
	client  *http.Client
	fetched rosterFetch
}

func (s *Service) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock().UTC()
}

// Handlers are the federation's routes, declared with the appliance's others in
// server/routes.go.
type Handlers struct {
	Inbox  func(e *core.RequestEvent) error // POST InboxPath, for peers (the envelope is signed)
	Health func(e *core.RequestEvent) error // GET HealthPath, for staff
	Notes  func(e *core.RequestEvent) error // POST NotesPath, for advisers and consuls
	Roster func(e *core.RequestEvent) error // GET RosterPath, for anyone (it is signed)
	// RosterFetch is POST RosterFetchPath, for IT: fetch the roster now.
	RosterFetch func(e *core.RequestEvent) error
}

// Bind registers the federation's hooks and its inbox retention job on sched; the inbox's
// writes share commits, its copies are raised with dir, and its notes are kept in log. Its routes are s.Handlers(); the relay, which sends, is bound by
// BindRelay, in the binary only.
func Bind(app core.App, cfg *appliance.Config, dir *directory.Table, log *audit.Log, commits *groupcommit.Committer, sched *schedule.Scheduler) *Service {
	s := &Service{cfg: cfg, dir: dir, audit: log, clock: time.Now, commits: commits, limit: newKeyBuckets(inboxRate, inboxBurst)}
	s.client = &http.Client{Timeout: rosterFetchTimeout, CheckRedirect: noRedirects}
	s.peers = bindPeerCache(app)
	sched.Register(retentionJob(app))
	if cfg.Roster.URL != "" {
		s.sched = sched
		sched.Register(s.rosterJob(app))
		s.bindFirstRosterFetch(app)
	}
	app.OnRecordUpdateRequest("alerts").BindFunc(s.transfer)
	bindReadOnlyState(app)
	return s
}

// Handlers returns the federation's routes.
func (s *Service) Handlers() Handlers {
	return Handlers{Inbox: s.inbox, Health: s.health, Notes: s.notes, Roster: s.roster, RosterFetch: s.rosterFetchNow}
}

// SetClock makes the federation routes read now from clock (tests move it instead of
// sleeping).
func (s *Service) SetClock(clock func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = clock
}

// Relay is the running relay, nil when none runs.
func (s *Service) Relay() *Relay { return s.relay.Load() }

// BindRelay starts the relay on OnServe and stops it on OnTerminate.
func (s *Service) BindRelay(app core.App) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		r := NewRelay(e.App, s.cfg, Options{})
		r.peers = s.peers
		if old := s.relay.Swap(r); old != nil {
			old.Stop(context.Background())
		}
		r.Start()
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if r := s.relay.Swap(nil); r != nil {
			ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
			defer cancel()
			r.Stop(ctx)
		}
		return e.Next()
	})
}

// peerTransport keeps a connection open for each row a worker has in flight (the default
// keeps 2 per host).
func peerTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = inFlight
	return t
}

// noRedirects keeps a peer's answer as it is: an envelope goes only to the URL IT trusted.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
