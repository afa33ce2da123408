package push

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestBackoffBoundsAndJitter(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	ceilings := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second,
		80 * time.Second, 160 * time.Second, 320 * time.Second, 10 * time.Minute, 10 * time.Minute}
	for attempt, ceiling := range ceilings {
		var high bool
		for range 200 {
			d := Backoff(attempt, rnd)
			if d < 0 || d >= ceiling {
				t.Fatalf("Backoff(%d) = %v, want in [0, %v)", attempt, d, ceiling)
			}
			high = high || d > ceiling*3/4
		}
		if !high {
			t.Fatalf("Backoff(%d) never came near %v: no jitter up to the ceiling", attempt, ceiling)
		}
	}
	for _, attempt := range []int{-1, 64, 1 << 40} {
		if d := Backoff(attempt, rnd); d < 0 || d >= 10*time.Minute {
			t.Fatalf("Backoff(%d) = %v", attempt, d)
		}
	}
}

func TestBackoffIsDeterministicGivenRand(t *testing.T) {
	a, b := rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(7, 7))
	for attempt := range 10 {
		if x, y := Backoff(attempt, a), Backoff(attempt, b); x != y {
			t.Fatalf("attempt %d: %v != %v with the same seed", attempt, x, y)
		}
	}
}
