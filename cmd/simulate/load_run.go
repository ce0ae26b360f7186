package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tapline/bot/simclient"
)

// Kinds of step the report separates.
const (
	kindStep   = "ordinary step"
	kindFiling = "confirm (files the case)"
	kindEcho   = "message"
)

// busyPrefix starts the server's "system busy, please resend" answer.
const busyPrefix = "系统繁忙"

// recorder collects one worker's latencies and errors.
type recorder struct {
	lat       map[string][]time.Duration
	errors    map[string]int
	measuring *atomic.Bool // latencies of the warm-up are dropped; errors never are
}

func newRecorder() *recorder {
	m := &atomic.Bool{}
	m.Store(true)
	return &recorder{lat: map[string][]time.Duration{}, errors: map[string]int{}, measuring: m}
}

// latency records one successful request.
func (r *recorder) latency(kind string, d time.Duration) {
	if r.measuring.Load() {
		r.lat[kind] = append(r.lat[kind], d)
	}
}

func (r *recorder) merge(o *recorder) {
	for k, v := range o.lat {
		r.lat[k] = append(r.lat[k], v...)
	}
	for k, v := range o.errors {
		r.errors[k] += v
	}
}

// phase is one measured target: a baseline or Tapline.
type phase struct {
	name    string
	elapsed time.Duration
	rec     *recorder
	rssMB   float64
	logErrs int
	work    *work // Tapline's CPU and round trips per message; nil for a baseline
}

// stats summarises one kind of request of a phase.
type stats struct {
	n             int
	rate          float64 // requests of this kind per second of the phase
	equiv         float64 // concurrency ÷ mean latency: the rate if every request cost this much
	p50, p99, max time.Duration
}

func (p *phase) stats(kind string, conc int) stats {
	l := slices.Clone(p.rec.lat[kind])
	if len(l) == 0 {
		return stats{}
	}
	slices.Sort(l)
	var sum time.Duration
	for _, d := range l {
		sum += d
	}
	mean := sum.Seconds() / float64(len(l))
	return stats{n: len(l), rate: float64(len(l)) / p.elapsed.Seconds(), equiv: float64(conc) / mean,
		p50: l[len(l)/2], p99: l[min(len(l)-1, len(l)*99/100)], max: l[len(l)-1]}
}

func (p *phase) errorCount() int {
	n := 0
	for _, v := range p.rec.errors {
		n += v
	}
	return n
}

// worker runs until the phase ends: it returns when stop() reports true
// after a request.
type worker func(ctx context.Context, id int, rec *recorder, stop func() bool)

// runPhase runs conc workers for d (after a warm-up whose figures are
// dropped) and merges what they recorded.
func runPhase(ctx context.Context, conc int, warmup, d time.Duration, w worker) (*recorder, time.Duration) {
	measuring := &atomic.Bool{}
	measuring.Store(warmup <= 0)
	var stopAt atomic.Int64
	stopAt.Store(time.Now().Add(warmup + d).UnixNano())
	recs := make([]*recorder, conc)
	var wg sync.WaitGroup
	for i := range conc {
		recs[i] = newRecorder()
		recs[i].measuring = measuring
		wg.Add(1)
		go func() {
			defer wg.Done()
			stop := func() bool { return time.Now().UnixNano() >= stopAt.Load() || ctx.Err() != nil }
			w(ctx, i, recs[i], stop)
		}()
	}
	if warmup > 0 {
		time.Sleep(warmup)
	}
	start := time.Now()
	measuring.Store(true)
	wg.Wait()
	total := newRecorder()
	for _, r := range recs {
		total.merge(r)
	}
	return total, time.Since(start)
}

// httpClient keeps one connection per worker alive.
func httpClient(conc int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conc*2, conc*2
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// send posts one message and records its latency, or the error.
func send(ctx context.Context, c *simclient.Client, rec *recorder, kind string, m simclient.Message) (string, bool) {
	start := time.Now()
	r, err := c.Send(ctx, m)
	lat := time.Since(start)
	switch {
	case err != nil:
		rec.errors[fmt.Sprintf("%s: %s", kind, errClass(err))]++
		return "", false
	case r.Status != http.StatusOK:
		rec.errors[fmt.Sprintf("%s: HTTP %d", kind, r.Status)]++
		return "", false
	case strings.HasPrefix(r.Text, busyPrefix):
		rec.errors[kind+": answered busy"]++
		return "", false
	}
	rec.latency(kind, lat)
	return r.Text, true
}

func errClass(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s)-i < 60 {
		return s[i+2:]
	}
	if len(s) > 60 {
		return s[:60]
	}
	return s
}
