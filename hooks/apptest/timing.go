package apptest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"
)

// Timed sends one JSON request to h and returns the status and how long the answer took.
// For benchmarks that compare answer times; never assert on it in a test.
func Timed(h http.Handler, method, url, token, body string) (int, time.Duration) {
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	return rec.Code, time.Since(start)
}

// MedianMs is the median of ds in milliseconds.
func MedianMs(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2]) / float64(time.Millisecond)
}
