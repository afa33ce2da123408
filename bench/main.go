// Command bench measures the appliance under load on this machine, next to stock PocketBase
// built from the same pinned module (bench/stockpb), and prints one table.
//
//	go run ./bench [-scenario ingest|notify|relay|scale|board|desk|all] [-duration 10s] [-rate N] [-out FILE]
//
// It builds both binaries into a temporary directory, starts them on free 127.0.0.1 ports
// with data directories of their own, seeds those directories directly through PocketBase
// as a library, and drives them with vegeta's library from this process. All load goes to
// 127.0.0.1; every run is bounded in count and in time. See BENCHMARKS.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"alertbutton/hooks/appliance"
)

type options struct {
	scenarios  []string
	duration   time.Duration
	rate       int
	out        string
	cpuprofile string
	keep       bool
	smoke      bool
	noStock    bool

	// sizes, set from the flags or by -smoke
	ingestRates      []int
	ingestSteps      int
	notifyRate       int
	relatives        int
	boardRate        int
	subscribers      int
	relayRate        int
	backlog          int
	outage           time.Duration
	pushLatency      time.Duration
	scaleRegistrants int
	scaleAlerts      int
	scaleSubs        bool
	benchtime        string
}

var allScenarios = []string{"ingest", "notify", "relay", "scale", "board", "desk"}

func main() {
	var o options
	scenario := flag.String("scenario", "all", "ingest, notify, relay, scale, board, desk, or all (comma separated for several)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured load run")
	flag.IntVar(&o.rate, "rate", 0, "requests per second of the fixed-rate runs (default: ingest 500 and 1000, notify 200, relay 100, board 100)")
	flag.StringVar(&o.out, "out", "", "also write the report (Markdown) to this file")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of each appliance start into this directory (through the appliance's ALERTBUTTON_CPUPROFILE)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, data directories, logs)")
	flag.BoolVar(&o.noStock, "no-stock", false, "ingest: measure the appliance only (no ratios; for quick iterations)")
	flag.BoolVar(&o.smoke, "smoke", false, "tiny counts and 1 s runs: checks that the harness works, measures nothing")
	flag.IntVar(&o.backlog, "backlog", 10_000, "relay: alerts queued while the peer is cut off")
	flag.DurationVar(&o.outage, "outage", 0, "relay: keep the link cut at least this long from the start of the backlog (past 2 min the rows are late and take the relay's delay path)")
	flag.IntVar(&o.scaleRegistrants, "scale-registrants", 1_000_000, "scale: registrants seeded")
	flag.IntVar(&o.scaleAlerts, "scale-alerts", 1_000_000, "scale: past alerts seeded (each with its timeline event)")
	flag.BoolVar(&o.scaleSubs, "scale-subscriptions", true, "scale: give every registrant one push subscription of their own phone")
	flag.IntVar(&o.subscribers, "subscribers", 20, "board: staff realtime subscribers")
	flag.DurationVar(&o.pushLatency, "push-latency", 0, "notify: how long the harness's push service takes to answer each push (a real one is 50-200 ms away)")
	flag.IntVar(&o.relatives, "relatives", 3, "notify: relatives per registrant, each with a push subscription")
	flag.Parse()

	if *scenario == "all" {
		o.scenarios = allScenarios
	} else {
		for _, s := range strings.Split(*scenario, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(allScenarios, s) {
				fmt.Fprintf(os.Stderr, "unknown scenario %q: use %s or all\n", s, strings.Join(allScenarios, ", "))
				os.Exit(2)
			}
			o.scenarios = append(o.scenarios, s)
		}
	}
	o.ingestRates, o.ingestSteps = []int{500, 1000}, 8
	o.notifyRate, o.boardRate, o.relayRate = 200, 100, 100
	o.benchtime = "1s"
	if o.rate > 0 {
		o.ingestRates = []int{o.rate}
		o.notifyRate, o.boardRate, o.relayRate = o.rate, o.rate, o.rate
	}
	if o.smoke {
		o.duration = time.Second
		o.ingestRates, o.ingestSteps = []int{50}, 2
		o.notifyRate, o.boardRate, o.relayRate = 20, 20, 20
		o.relatives = min(o.relatives, 3)
		o.subscribers = min(o.subscribers, 3)
		o.backlog = min(o.backlog, 100)
		o.scaleRegistrants, o.scaleAlerts = min(o.scaleRegistrants, 3000), min(o.scaleAlerts, 3000)
		o.benchtime = "200x"
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Fprintln(os.Stderr, "interrupted: stopping the servers")
		stopAll()
		os.Exit(130)
	}()

	err := run(o)
	stopAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	tmp, err := os.MkdirTemp("", "alertbutton-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if o.cpuprofile != "" {
		if o.cpuprofile, err = filepath.Abs(o.cpuprofile); err != nil {
			return err
		}
		if err := os.MkdirAll(o.cpuprofile, 0o755); err != nil {
			return err
		}
	}
	began := time.Now()
	logf("building the appliance and stock PocketBase into %s", tmp)
	bins, err := build(filepath.Join(tmp, "bin"))
	if err != nil {
		return err
	}
	b := &bench{opts: o, bins: bins, tmp: tmp, rep: &report{}}
	b.rep.machine = machine()
	var failed []error
	for _, s := range o.scenarios {
		logf("scenario %s", s)
		var err error
		switch s {
		case "ingest":
			err = b.ingest()
		case "notify":
			err = b.notify()
		case "relay":
			err = b.relay()
		case "scale":
			err = b.scale()
		case "board":
			err = b.board()
		case "desk":
			err = b.desk()
		}
		stopAll()
		if err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", s, err))
			b.rep.fact(s, "harness error: "+err.Error())
			logf("scenario %s failed: %v", s, err)
		}
	}
	b.rep.elapsed = time.Since(began)
	text := b.rep.markdown(o)
	fmt.Println(text)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(text), 0o644); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// bench is one run of the harness.
type bench struct {
	opts options
	bins binaries
	tmp  string
	rep  *report
	seq  int
}

// dir is a new data directory for name.
func (b *bench) dir(name string) string {
	b.seq++
	return filepath.Join(b.tmp, fmt.Sprintf("%02d-%s", b.seq, name))
}

// start starts s, with a CPU profile when -cpuprofile is set (the appliance only).
func (b *bench) start(s *server, label string) error {
	var env []string
	if b.opts.cpuprofile != "" && s.bin == b.bins.appliance {
		b.seq++
		env = append(env, appliance.ProfileEnv+"="+filepath.Join(b.opts.cpuprofile, fmt.Sprintf("%02d-%s.pprof", b.seq, label)))
	}
	return s.Start(env...)
}

// prepare serves a new appliance directory once, so that its migrations, keys and
// identity exist, and stops it.
func (b *bench) prepare(s *server) error {
	if err := s.Start(); err != nil {
		return err
	}
	s.Stop()
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func machine() []string {
	var out []string
	out = append(out, fmt.Sprintf("CPUs (nproc): %d", runtime.NumCPU()))
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				out = append(out, "CPU: "+strings.TrimSpace(v))
				break
			}
		}
	}
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "MemTotal:") {
				out = append(out, "memory: "+strings.Join(strings.Fields(line)[1:], " "))
			}
		}
	}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		out = append(out, "load average at start: "+strings.Join(strings.Fields(string(raw))[:3], " "))
	}
	out = append(out, "Go: "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return out
}
