package report

import (
	"context"
	"time"

	"tapline/models"
)

// totalsTTL is how long a month's totals serve further charts and
// scorecards: a page of seven chart images reads the month once, and a
// minute-old count is fresh enough for a month's statistics.
const totalsTTL = time.Minute

// totalsEntry is one month's totals, read once for everyone asking.
type totalsEntry struct {
	ready  chan struct{} // closed when totals and err are set
	readAt time.Time
	totals *models.ReportTotals
	err    error
}

// monthTotals returns the month's totals (models.ReportService.ReportTotals
// as of now), shared with concurrent and recent callers. The totals are
// read-only. A failed read is not kept.
func (s *Service) monthTotals(ctx context.Context, month Month, now time.Time) (*models.ReportTotals, error) {
	s.memoMu.Lock()
	for m, e := range s.memo { // forget stale months
		if isDone(e) && (e.err != nil || now.Sub(e.readAt) > totalsTTL) {
			delete(s.memo, m)
		}
	}
	e, shared := s.memo[month]
	if !shared {
		e = &totalsEntry{ready: make(chan struct{}), readAt: now}
		s.memo[month] = e
	}
	s.memoMu.Unlock()
	if !shared {
		e.totals, e.err = s.data.ReportTotals(ctx, month.Start(), month.End(), now)
		close(e.ready)
		return e.totals, e.err
	}
	select {
	case <-e.ready:
		return e.totals, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// isDone says whether e's read has ended.
func isDone(e *totalsEntry) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}
