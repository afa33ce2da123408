package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// row is one line of the table.
type row struct {
	Scenario, Target, Rate string
	Throughput             string
	Lat                    latStats
	Errors                 string
	RSS                    int64
	Ratio                  string
}

// check is a target of the issue and what was measured against it.
type check struct {
	What, Target, Measured string
	Pass                   bool
}

type report struct {
	machine []string
	rows    []row
	facts   []string
	checks  []check
	elapsed time.Duration
}

func (r *report) add(rw row) {
	r.rows = append(r.rows, rw)
	fmt.Fprintf(os.Stderr, "  | %s\n", rw.line())
}

func (r *report) fact(scenario, text string) {
	r.facts = append(r.facts, scenario+": "+text)
	fmt.Fprintf(os.Stderr, "  * %s: %s\n", scenario, text)
}

func (r *report) check(what, target, measured string, pass bool) {
	r.checks = append(r.checks, check{what, target, measured, pass})
}

func (rw row) line() string {
	cells := []string{rw.Scenario, rw.Target, rw.Rate, rw.Throughput}
	if rw.Lat.N == 0 {
		cells = append(cells, "–", "–", "–", "–")
	} else {
		cells = append(cells, ms(rw.Lat.P50), ms(rw.Lat.P90), ms(rw.Lat.P99), ms(rw.Lat.Max))
	}
	cells = append(cells, rw.Errors, mb(rw.RSS), rw.Ratio)
	return strings.Join(cells, " | ")
}

func (r *report) markdown(o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Results (%s)\n\n", time.Now().Format("2006-01-02 15:04 MST"))
	for _, m := range r.machine {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	fmt.Fprintf(&b, "- run: -scenario %s -duration %s, %s in all", strings.Join(o.scenarios, ","), o.duration, r.elapsed.Round(time.Second))
	if o.smoke {
		b.WriteString(" (smoke: tiny counts, numbers mean nothing)")
	}
	b.WriteString("\n\n")
	b.WriteString("| scenario | target | rate | throughput | p50 | p90 | p99 | max | errors | RSS | ratio |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, rw := range r.rows {
		fmt.Fprintf(&b, "| %s |\n", rw.line())
	}
	if len(r.facts) > 0 {
		b.WriteString("\n")
		for _, f := range r.facts {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	if o.smoke {
		b.WriteString("\n(smoke run: the issue's targets are not assessed)\n")
	} else if len(r.checks) > 0 {
		b.WriteString("\n| target of the issue | wanted | measured | met |\n|---|---|---|---|\n")
		for _, c := range r.checks {
			met := "yes"
			if !c.Pass {
				met = "**no**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.What, c.Target, c.Measured, met)
		}
	}
	return b.String()
}

// ms formats a latency.
func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

func mb(n int64) string {
	if n <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}

func perSec(f float64) string { return fmt.Sprintf("%.0f/s", f) }

func errCount(bad, all int) string { return fmt.Sprintf("%d/%d", bad, all) }
