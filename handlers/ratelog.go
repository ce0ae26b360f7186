package handlers

import (
	"sync"
	"time"
)

// Refused requests are logged at most refusalBurst at once and
// refusalRate a second after that: a flood of forged requests must not
// flood the log.
const (
	refusalBurst = 10
	refusalRate  = 2.0
)

// logLimiter is a token bucket for one kind of log line; it counts the
// lines it held back so that the next one can say how many.
type logLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	tokens  float64
	last    time.Time
	held    int
	burst   float64
	perSec  float64
	started bool
}

func newLogLimiter(now func() time.Time, burst int, perSec float64) *logLimiter {
	return &logLimiter{now: now, burst: float64(burst), perSec: perSec}
}

// allow reports whether a line may be written now and, if so, how many
// were held back since the last one written.
func (l *logLimiter) allow() (ok bool, held int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !l.started {
		l.tokens, l.last, l.started = l.burst, now, true
	}
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.perSec)
	l.last = now
	if l.tokens < 1 {
		l.held++
		return false, 0
	}
	l.tokens--
	held, l.held = l.held, 0
	return true, held
}
