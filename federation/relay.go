package federation

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/outbox"
)

const (
	sendTimeout  = 20 * time.Second
	probeTimeout = 5 * time.Second
	// A peer known down is probed (GET /api/health) every 1-2 s: one small request, and
	// a backlog starts draining within 2 s of the peer's return.
	probeEvery   = 2 * time.Second
	sweepEvery   = 5 * time.Second
	drainTimeout = 10 * time.Second
	idleWait     = time.Minute

	minBackoff = time.Second
	maxBackoff = 5 * time.Minute

	// batch is how many rows a worker reads at a time. A pass ends by waiting for its last
	// rows' answers, so a backlog drains in passes: 400 rows to a pass drained 10,000
	// alerts 6% faster than 100 (BENCHMARKS.md).
	batch = 400
)

// Relay sends the outbox's federation rows: one worker goroutine per peer, so that a peer
// that is down or slow never holds up the others.
type Relay struct {
	app  core.App
	cfg  *appliance.Config
	opts Options
	// peers caches the trusted peers (the service's); nil reads them from the database.
	peers *peerCache

	randMu sync.Mutex

	mu        sync.Mutex
	workers   map[string]*worker
	started   bool
	stopped   bool
	hookID    string
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	lastPrune time.Time
}

// NewRelay returns a stopped relay; cfg must hold the keys.
func NewRelay(app core.App, cfg *appliance.Config, opts Options) *Relay {
	ctx, cancel := context.WithCancel(context.Background())
	return &Relay{
		app: app, cfg: cfg, opts: opts.withDefaults(),
		workers: map[string]*worker{}, ctx: ctx, cancel: cancel,
	}
}

// Start runs a worker for every peer with rows to send, and one for each peer that gets a
// row later (woken by OnRecordAfterCreateSuccess, which runs after the commit).
func (r *Relay) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started || r.stopped {
		return
	}
	r.started = true
	r.hookID = r.app.OnRecordAfterCreateSuccess("outbox").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("channel") == outbox.ChannelFederation {
			r.worker(e.Record.GetString("target")).poke()
		}
		return e.Next()
	})
	r.wg.Add(1)
	go r.loop()
}

// Stop stops the workers, cutting the sends in flight (a cut send is sent again on the next
// start, and a receiver that stored it answers with its stored receipt). It waits for them
// until ctx ends.
func (r *Relay) Stop(ctx context.Context) error {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return nil
	}
	r.stopped = true
	if r.started {
		r.app.OnRecordAfterCreateSuccess("outbox").Unbind(r.hookID)
	}
	r.cancel()
	r.mu.Unlock()

	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RunOnce does, in the caller's goroutine, what every peer's worker would do now: send
// what is due (unless the peer is in backoff) and check the thresholds (tests).
func (r *Relay) RunOnce(ctx context.Context) error {
	codes, err := r.pendingPeers()
	if err != nil {
		return err
	}
	for _, code := range codes {
		w := r.worker(code)
		for ctx.Err() == nil && w.step(ctx) <= 0 {
		}
	}
	return ctx.Err()
}

// loop starts workers for the peers with pending rows (at start, and for rows queued by
// another process) and prunes the request nonces.
func (r *Relay) loop() {
	defer r.wg.Done()
	ticker := time.NewTicker(r.opts.Sweep)
	defer ticker.Stop()
	for {
		codes, err := r.pendingPeers()
		if err != nil {
			r.app.Logger().Error("federation: reading the outbox", "error", err)
		}
		for _, code := range codes {
			r.worker(code)
		}
		r.prune()
		select {
		case <-r.ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (r *Relay) prune() {
	now := r.now()
	if now.Sub(r.lastPrune) < time.Minute {
		return
	}
	r.lastPrune = now
	if err := pruneNonces(r.app, now); err != nil {
		r.app.Logger().Error("federation: pruning nonces", "error", err)
	}
}

// worker returns the peer's worker, started if the relay runs.
func (r *Relay) worker(code string) *worker {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.workers[code]
	if ok {
		return w
	}
	w = &worker{r: r, code: code, wake: make(chan struct{}, 1)}
	r.workers[code] = w
	if r.started && !r.stopped {
		r.wg.Add(1)
		go w.run(r.ctx)
	}
	return w
}

func (r *Relay) pendingPeers() ([]string, error) {
	var codes []string
	err := r.app.DB().Select("target").Distinct(true).From("outbox").
		Where(outbox.PendingFederation()).Column(&codes)
	return codes, err
}

func (r *Relay) now() time.Time { return r.opts.Now().UTC() }

// backoff is the wait after the n-th failure in a row (n >= 1): exponential from 1 s,
// capped at 5 minutes, with jitter over its upper half so that peers do not retry in step.
func (r *Relay) backoff(n int) time.Duration {
	d := maxBackoff
	if n < 20 {
		d = min(maxBackoff, minBackoff<<max(n-1, 0))
	}
	return d/2 + r.randN(d/2+1)
}

func (r *Relay) randN(d time.Duration) time.Duration {
	if r.opts.Rand == nil {
		return rand.N(d)
	}
	r.randMu.Lock()
	defer r.randMu.Unlock()
	return time.Duration(r.opts.Rand.Int64N(int64(d)))
}
