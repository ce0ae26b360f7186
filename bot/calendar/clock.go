package calendar

import (
	"math"
	"time"
)

// interval is one working range of one day as instants, [from, to).
type interval struct{ from, to time.Time }

// intervals returns the working ranges of day d as instants, reusing buf;
// none when d is not a working day. The hours are wall-clock times in c's
// zone, so on a daylight-saving day a range is longer or shorter; ranges a
// jump folds onto each other are clipped so that they stay ascending.
func (c *Calendar) intervals(d date, buf []interval) []interval {
	buf = buf[:0]
	if !c.isWorkday(d) {
		return buf
	}
	y, m, dd := d.civil()
	var last time.Time
	for _, s := range c.hours {
		from := time.Date(y, m, dd, 0, s.from, 0, 0, c.loc)
		to := time.Date(y, m, dd, 0, s.to, 0, 0, c.loc)
		if from.Before(last) {
			from = last
		}
		if to.After(from) {
			buf = append(buf, interval{from, to})
			last = to
		}
	}
	return buf
}

// Add returns the instant when d of working time has elapsed after start.
// Counting begins at start, or at the next working moment when start is
// outside working hours; a deadline that uses up a range exactly falls on
// its end (12:00, not 13:30). d <= 0 returns start. The loop walks one
// calendar day at a time: 30 working days are about 45 steps.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	start = start.In(c.loc)
	if d <= 0 {
		return start
	}
	var buf [4]interval
	// Parse guarantees a working weekday and a non-empty day, so this ends.
	for day := c.day(start); ; day++ {
		for _, iv := range c.intervals(day, buf[:0]) {
			if !iv.to.After(start) {
				continue
			}
			from := later(iv.from, start)
			if avail := iv.to.Sub(from); d > avail {
				d -= avail
				continue
			}
			return from.Add(d)
		}
	}
}

// Between returns the working time in [a, b); 0 when b is not after a. It
// saturates at the largest time.Duration over absurdly long spans.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	var buf [4]interval
	for day, last := c.day(a), c.day(b); day <= last; day++ {
		for _, iv := range c.intervals(day, buf[:0]) {
			from, to := later(iv.from, a), earlier(iv.to, b)
			if !to.After(from) {
				continue
			}
			if w := to.Sub(from); w < math.MaxInt64-total {
				total += w
			} else {
				return math.MaxInt64
			}
		}
	}
	return total
}

// EndOfDay returns "the same day" of policy 4.3.3: the end of working hours
// of t's day when that is a working day and t is before its end; otherwise
// the end of the next working day.
func (c *Calendar) EndOfDay(t time.Time) time.Time {
	t = t.In(c.loc)
	var buf [4]interval
	day := c.day(t)
	if ivs := c.intervals(day, buf[:0]); len(ivs) > 0 && t.Before(ivs[len(ivs)-1].to) {
		return ivs[len(ivs)-1].to
	}
	for day++; ; day++ {
		if ivs := c.intervals(day, buf[:0]); len(ivs) > 0 {
			return ivs[len(ivs)-1].to
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
