package outbox

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/push"
	"alertbutton/hooks/sms"
)

const (
	// defaultWorkers is how many pushes are in flight at once. A send mostly waits for the
	// push service (50-200 ms away across the internet), so the pool is sized for the
	// worst day's rate times that round trip: 128 in flight carry 600 pushes/s at 200 ms.
	defaultWorkers = 128
	sendTimeout    = 20 * time.Second
	sweepEvery     = 5 * time.Second

	// claimLease is how long a claimed row stays out of other workers' reach. A send is
	// cut at half of it, so a row comes back only when its process died mid-send.
	claimLease = 2 * time.Minute
)

// Options tune a Dispatcher; the zero value is the production setting.
type Options struct {
	Workers int              // concurrent sends; default 128
	Now     func() time.Time // the clock; default time.Now
	Client  *http.Client     // for push services; default: a 20 s timeout; see pushClient
	Rand    *rand.Rand       // backoff jitter; default: the global source
	TTL     time.Duration    // how long push services keep a message; default push.DefaultTTL
	// Commits is the appliance's committer, which the sends' outcomes share with the other
	// writers; default: one of the dispatcher's own (tests).
	Commits *groupcommit.Committer
	// SMSClient is for the SMS provider; default: a 20 s timeout, no redirects followed.
	SMSClient *http.Client
}

// Dispatcher sends the outbox's push, e-mail and SMS rows with a bounded pool of workers.
type Dispatcher struct {
	app     core.App
	cfg     *appliance.Config
	opts    Options
	sender  *push.Sender
	sms     *sms.Sender // nil when SMS is off
	budget  smsBudget
	commits *groupcommit.Committer // the sends' outcomes, committed together
	sweep   time.Duration
	owner   string // whose claims this dispatcher's are: the process

	slots  chan struct{} // one per send in flight
	wake   chan struct{}
	randMu sync.Mutex

	mu       sync.Mutex
	started  bool
	stopped  bool
	hookID   string
	quit     chan struct{}
	loopDone chan struct{}
	sends    sync.WaitGroup     // the background loop's sends
	ctx      context.Context    // the background loop's sends' context
	cancel   context.CancelFunc // cuts them when Stop's deadline passes
}

// NewDispatcher returns a stopped dispatcher; cfg must hold the keys.
func NewDispatcher(app core.App, cfg *appliance.Config, opts Options) *Dispatcher {
	if opts.Workers <= 0 {
		opts.Workers = defaultWorkers
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Commits == nil {
		opts.Commits = groupcommit.New(app)
	}
	opts.Client = pushClient(opts.Client, opts.Workers)
	smsSender, err := newSMSSender(cfg.SMS, opts.SMSClient)
	if err != nil {
		app.Logger().Error("outbox: SMS is off: " + err.Error())
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Dispatcher{
		app:      app,
		cfg:      cfg,
		opts:     opts,
		sender:   push.NewSender(cfg.Keys().VAPIDPublicKey(), cfg.Keys().VAPIDPrivateKey(), vapidSubject(app, cfg), opts.Client),
		sms:      smsSender,
		commits:  opts.Commits,
		sweep:    sweepEvery,
		owner:    processID,
		slots:    make(chan struct{}, opts.Workers),
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
		ctx:      ctx,
		cancel:   cancel,
	}
}

// pushClient returns client, or a client with a 20 s timeout when it is nil, with a
// transport that keeps a connection per worker to each push service: http's default
// keeps 2, so the others would be closed after each send and opened again (a TLS
// handshake with fcm.googleapis.com each time).
func pushClient(client *http.Client, workers int) *http.Client {
	c := http.Client{Timeout: sendTimeout}
	if client != nil {
		c = *client
	}
	if c.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 0 // no overall limit: the allow-list holds a few hosts
		t.MaxIdleConnsPerHost = workers
		c.Transport = t
	}
	return &c
}

// Start sends every pending row, then whatever is committed to the outbox (woken by
// OnRecordAfterCreateSuccess, which PocketBase runs after the surrounding transaction
// commits) and, every few seconds, the retries that fall due.
func (d *Dispatcher) Start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started || d.stopped {
		return
	}
	d.started = true
	if err := d.releaseStale(); err != nil {
		d.app.Logger().Error("outbox: releasing the claims of a previous process", "error", err)
	}
	d.hookID = d.app.OnRecordAfterCreateSuccess(collection).BindFunc(func(e *core.RecordEvent) error {
		if ours(e.Record.GetString("channel")) {
			d.Wake()
		}
		return e.Next()
	})
	go d.loop()
}

// Stop stops reading the outbox and waits for the sends in flight; when ctx ends first,
// it cuts them (they are retried later) and returns ctx's error.
func (d *Dispatcher) Stop(ctx context.Context) error {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return nil
	}
	d.stopped = true
	started := d.started
	d.mu.Unlock()

	if started {
		d.app.OnRecordAfterCreateSuccess(collection).Unbind(d.hookID)
		close(d.quit)
		<-d.loopDone
	}
	done := make(chan struct{})
	go func() { d.sends.Wait(); close(done) }()
	select {
	case <-done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.cancel()
		<-done
		return ctx.Err()
	}
}

// Wake makes a started dispatcher look for due rows now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// RunOnce sends every row due now and waits for those sends. It returns how many were
// delivered; a failed delivery is recorded in its row, not returned.
func (d *Dispatcher) RunOnce(ctx context.Context) (sent int, err error) {
	var wg sync.WaitGroup
	var n atomic.Int64
	err = d.dispatch(ctx, ctx.Done(), &wg, &n)
	wg.Wait()
	return int(n.Load()), err
}

func (d *Dispatcher) loop() {
	defer close(d.loopDone)
	ticker := time.NewTicker(d.sweep)
	defer ticker.Stop()
	for {
		if err := d.dispatch(d.ctx, d.quit, &d.sends, nil); err != nil {
			d.app.Logger().Error("outbox: claiming due rows", "error", err)
		}
		select {
		case <-d.quit:
			return
		case <-d.wake:
		case <-ticker.C:
		}
	}
}

// dispatch claims the rows due now, as workers free up, and starts a send for each. It
// returns when no row is left due or quit closes, without waiting for the sends.
func (d *Dispatcher) dispatch(ctx context.Context, quit <-chan struct{}, wg *sync.WaitGroup, sent *atomic.Int64) error {
	// Rows retried during this pass are due after now, so each row is tried once.
	now := d.now()
	for {
		select {
		case <-quit:
			return nil
		default:
		}
		free := d.acquire(quit)
		if free == 0 {
			return nil
		}
		rows, err := d.claim(now, free)
		d.release(free - len(rows))
		if err != nil || len(rows) == 0 {
			return err
		}
		subs, err := d.subscriptionsOf(rows)
		if err != nil {
			// The rows keep their claims and are tried again when the lease ends.
			d.release(len(rows))
			return err
		}
		for i, row := range rows {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer d.release(1)
				if d.send(ctx, row, subs[i]) && sent != nil {
					sent.Add(1)
				}
			}()
		}
		if len(rows) < free {
			return nil // no row is left due; a commit wakes the loop for the next ones
		}
	}
}

// acquire waits for a free worker and takes every free one; 0 when quit closes first.
func (d *Dispatcher) acquire(quit <-chan struct{}) int {
	select {
	case d.slots <- struct{}{}:
	case <-quit:
		return 0
	}
	n := 1
	for n < cap(d.slots) {
		select {
		case d.slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

func (d *Dispatcher) release(n int) {
	for range n {
		<-d.slots
	}
}

// send delivers one claimed row and records the outcome; it reports whether it was delivered
// (an SMS: handed to the provider). sub is the row's push subscription; nil for an e-mail or
// an SMS, or when it no longer exists.
func (d *Dispatcher) send(ctx context.Context, row, sub *core.Record) bool {
	ctx, cancel := context.WithTimeout(ctx, claimLease/2)
	defer cancel()
	var sent bool
	var err error
	switch row.GetString("channel") {
	case channelPush:
		sent, err = d.sendPush(ctx, row, sub)
	case channelEmail:
		sent, err = d.sendEmail(row)
	case channelSMS:
		sent, err = d.sendSMS(ctx, row)
	}
	if err != nil {
		// The row keeps its claim and is tried again when the lease ends.
		d.app.Logger().Error("outbox: recording a send", "row", row.Id, "error", err)
	}
	return sent
}

func (d *Dispatcher) now() time.Time { return d.opts.Now().UTC() }

func ours(channel string) bool {
	return channel == channelPush || channel == channelEmail || channel == channelSMS
}
