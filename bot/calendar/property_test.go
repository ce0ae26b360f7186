package calendar_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"tapline/bot/calendar"
)

// checkInverse checks, for random starts in [from, from+span) and random
// working durations up to maxD, that Between undoes Add, that Add lands in
// working time and that Add is monotonic in d.
func checkInverse(t *testing.T, c *calendar.Calendar, rng *rand.Rand, from time.Time, span, maxD time.Duration, n int) {
	t.Helper()
	for range n {
		u := from.Add(time.Duration(rng.Int64N(int64(span))))
		// s inside working hours: a random working offset after u.
		s := c.Add(u, 1+time.Duration(rng.Int64N(int64(c.DayLength()))))
		for _, start := range []time.Time{s, u} {
			d := 1 + time.Duration(rng.Int64N(int64(maxD)))
			end := c.Add(start, d)
			if got := c.Between(start, end); got != d {
				t.Fatalf("Between(%v, Add(%v, %v) = %v) = %v", start, start, d, end, got)
			}
			if !c.IsWorkday(end.Add(-time.Nanosecond)) {
				t.Fatalf("Add(%v, %v) = %v ends on a day off", start, d, end)
			}
			if d2 := d + time.Duration(rng.Int64N(int64(time.Hour))); c.Add(start, d2).Before(end) {
				t.Fatalf("Add(%v, %v) is before Add(.., %v)", start, d2, d)
			}
		}
	}
}

func TestAddBetweenInverse(t *testing.T) {
	c := MustShipped(t)
	rng := rand.New(rand.NewPCG(4, 33)) // policy 4.3.3
	from := At(t, c, "2026-01-01 00:00")
	checkInverse(t, c, rng, from, 2*365*24*time.Hour-40*24*time.Hour, 30*c.DayLength(), 3000)
}

// A zone with daylight saving: on 2026-03-08 New York skips 02:00–03:00 and
// on 2026-11-01 repeats 01:00–02:00, so a 00:30–03:30 range is 2 h or 4 h.
func TestDaylightSavingDays(t *testing.T) {
	c := MustParse(t, "timezone America/New_York\nhours 00:30-03:30 07:00-19:00\nweekend none\nyears 2026\n")
	for day, want := range map[string]time.Duration{"2026-03-07": 15 * time.Hour, "2026-03-08": 14 * time.Hour, "2026-11-01": 16 * time.Hour} {
		a := At(t, c, day+" 00:00")
		if got := c.Between(a, a.AddDate(0, 0, 1)); got != want {
			t.Errorf("working time on %s = %v, want %v", day, got, want)
		}
	}
	spring := At(t, c, "2026-03-08 01:00")
	if got := c.Add(spring, 90*time.Minute); !got.Equal(At(t, c, "2026-03-08 03:30")) {
		t.Errorf("Add over the spring gap = %v, want 03:30 EDT", got)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	checkInverse(t, c, rng, At(t, c, "2026-03-01 00:00"), 14*24*time.Hour, 5*c.DayLength(), 500)
	checkInverse(t, c, rng, At(t, c, "2026-10-25 00:00"), 14*24*time.Hour, 5*c.DayLength(), 500)
}

// 02:30 does not exist on 2026-03-08 in New York; Go reads it as 01:30
// EST, inside 01:00–01:45: the overlap must count once, so working time
// never exceeds elapsed time.
func TestDaylightSavingFoldedRanges(t *testing.T) {
	c := MustParse(t, "timezone America/New_York\nhours 01:00-01:45 02:30-04:00\nweekend none\nyears 2026\n")
	a, b := At(t, c, "2026-03-08 01:00"), At(t, c, "2026-03-08 04:00")
	if got, elapsed := c.Between(a, b), b.Sub(a); got > elapsed || got <= 0 {
		t.Errorf("working time %v in %v elapsed", got, elapsed)
	}
	rng := rand.New(rand.NewPCG(3, 8))
	checkInverse(t, c, rng, At(t, c, "2026-03-06 00:00"), 4*24*time.Hour, 4*c.DayLength(), 300)
}

func TestBetweenSaturates(t *testing.T) {
	c := MustParse(t, "timezone UTC\nhours 00:00-24:00\nweekend none\nyears 2026\n")
	a := time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := c.Between(a, a.AddDate(300, 0, 0)); got <= 0 {
		t.Errorf("Between over 300 years = %v, want the largest duration", got)
	}
}
