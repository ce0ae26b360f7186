package calendar_test

import (
	"testing"
	"time"
)

func TestShippedFileCovers2026And2027(t *testing.T) {
	c := MustShipped(t)
	if got := c.Location().String(); got != "Asia/Shanghai" {
		t.Errorf("Location = %s, want Asia/Shanghai", got)
	}
	if got := c.DayLength(); got != 7*time.Hour+30*time.Minute {
		t.Errorf("DayLength = %v, want 7h30m", got)
	}
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2025-12-31 23:59", false}, {"2026-01-01 00:00", true}, {"2026-07-01 12:00", true},
		{"2027-12-31 23:59", true}, {"2028-01-01 00:00", false},
	} {
		if got := c.Covers(At(t, c, tc.at)); got != tc.want {
			t.Errorf("Covers(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
	// 2026 Jan 1 is a Thursday: 365 days, 104 weekend days, 19 weekday
	// holidays, 6 make-up days → 248. 2027 (a Friday): 104, 18, 5 → 248.
	for year, want := range map[int]int{2026: 248, 2027: 248} {
		n := 0
		for d := time.Date(year, 1, 1, 12, 0, 0, 0, c.Location()); d.Year() == year; d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				n++
			}
		}
		if n != want {
			t.Errorf("%d has %d working days, want %d", year, n, want)
		}
		from := time.Date(year, 1, 1, 0, 0, 0, 0, c.Location())
		if got := c.Between(from, from.AddDate(1, 0, 0)); got != time.Duration(want)*c.DayLength() {
			t.Errorf("Between over %d = %v, want %d working days", year, got, want)
		}
	}
}

func TestWeekend(t *testing.T) {
	c := MustShipped(t)
	for day, want := range map[string]bool{
		"2026-03-06": true, "2026-03-07": false, "2026-03-08": false, "2026-03-09": true, // Fri Sat Sun Mon
		"2027-03-06": false, "2027-03-07": false, "2027-03-08": true, // Sat Sun Mon
	} {
		if got := c.IsWorkday(At(t, c, day+" 10:00")); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", day, got, want)
		}
	}
}

// holidays2026 is the State Council's 2026 schedule, as a test fixture
// written independently of configs/calendar.txt.
var holidays2026 = []struct {
	name     string
	from, to string
	makeUp   []string
}{
	{"元旦", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
	{"春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
	{"清明节", "2026-04-04", "2026-04-06", nil},
	{"劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
	{"端午节", "2026-06-19", "2026-06-21", nil},
	{"中秋节", "2026-09-25", "2026-09-27", nil},
	{"国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
}

func TestHolidaysAndMakeUpDays2026(t *testing.T) {
	c := MustShipped(t)
	for _, h := range holidays2026 {
		t.Run(h.name, func(t *testing.T) {
			from, to := At(t, c, h.from+" 10:00"), At(t, c, h.to+" 10:00")
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				if c.IsWorkday(d) {
					t.Errorf("%s is a working day, want %s", d.Format(time.DateOnly), h.name)
				}
			}
			if next := to.AddDate(0, 0, 1); !c.IsWorkday(next) && next.Weekday() != time.Saturday {
				t.Errorf("the day after %s (%s) is not a working day", h.name, next.Format(time.DateOnly))
			}
			for _, m := range h.makeUp {
				d := At(t, c, m+" 10:00")
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Fatalf("fixture: %s is a %s", m, wd)
				}
				if !c.IsWorkday(d) {
					t.Errorf("make-up day %s (%s) is not a working day", m, d.Weekday())
				}
			}
		})
	}
}

func TestIsWorkdayReadsTheDayInTheCalendarsZone(t *testing.T) {
	c := MustShipped(t)
	// 2026-02-14 is a make-up Saturday, 2026-02-15 the first day of 春节.
	sat := time.Date(2026, 2, 14, 15, 0, 0, 0, time.UTC) // 23:00 on the 14th in Shanghai
	sun := time.Date(2026, 2, 14, 17, 0, 0, 0, time.UTC) // 01:00 on the 15th in Shanghai
	if !c.IsWorkday(sat) || c.IsWorkday(sun) {
		t.Errorf("IsWorkday(%v) = %v, IsWorkday(%v) = %v; want true, false", sat, c.IsWorkday(sat), sun, c.IsWorkday(sun))
	}
}

func TestAdd(t *testing.T) {
	c := MustShipped(t)
	h := time.Hour
	for _, tc := range []struct {
		name, start string
		d           time.Duration
		want        string
	}{
		{"inside the morning", "2026-03-10 09:00", h, "2026-03-10 10:00"},
		{"a range used up ends on its end", "2026-03-10 09:00", 3 * h, "2026-03-10 12:00"},
		{"spanning the lunch break", "2026-03-10 11:30", h, "2026-03-10 14:00"},
		{"starting in the lunch break", "2026-03-10 12:30", 30 * time.Minute, "2026-03-10 14:00"},
		{"before opening", "2026-03-10 07:00", 30 * time.Minute, "2026-03-10 09:00"},
		{"spanning a night", "2026-03-10 16:30", 2 * h, "2026-03-11 09:30"},
		{"starting at closing", "2026-03-10 17:30", time.Minute, "2026-03-11 08:31"},
		{"one working day", "2026-03-10 10:00", 7*h + 30*time.Minute, "2026-03-11 10:00"},
		{"spanning a weekend", "2026-03-13 17:00", h, "2026-03-16 09:00"},
		{"starting on a Saturday", "2026-03-14 10:00", h, "2026-03-16 09:30"},
		{"into the make-up Saturday before 春节", "2026-02-13 16:30", 2 * h, "2026-02-14 09:30"},
		{"over the 春节 week", "2026-02-14 17:00", h, "2026-02-24 09:00"},
		{"inside 春节", "2026-02-18 10:00", h, "2026-02-24 09:30"},
		{"two days over 国庆节", "2026-09-30 10:00", 15 * h, "2026-10-09 10:00"},
		{"into the make-up Sunday before 春节 2027", "2027-01-29 17:00", h, "2027-01-31 09:00"},
		{"zero", "2026-03-14 10:00", 0, "2026-03-14 10:00"},
		{"negative", "2026-03-10 10:00", -h, "2026-03-10 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Add(At(t, c, tc.start), tc.d)
			if want := At(t, c, tc.want); !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s, want %s", tc.start, tc.d, got.Format("2006-01-02 15:04 Mon"), tc.want)
			}
			if got.Location() != c.Location() {
				t.Errorf("Add returned a time in %v", got.Location())
			}
		})
	}
}

func TestAddTakesAnyZoneAndAnswersInTheCalendars(t *testing.T) {
	c := MustShipped(t)
	start := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
	got := c.Add(start, time.Hour)
	if want := At(t, c, "2026-03-10 10:00"); !got.Equal(want) || got.Location() != c.Location() {
		t.Errorf("Add = %v, want %v in %v", got, want, c.Location())
	}
}

func TestBetween(t *testing.T) {
	c := MustShipped(t)
	h := time.Hour
	for _, tc := range []struct {
		name, a, b string
		want       time.Duration
	}{
		{"inside the morning", "2026-03-10 09:00", "2026-03-10 10:00", h},
		{"over the lunch break", "2026-03-10 11:00", "2026-03-10 14:30", 2 * h},
		{"over a night", "2026-03-10 16:30", "2026-03-11 09:30", 2 * h},
		{"a whole weekend", "2026-03-14 00:00", "2026-03-16 00:00", 0},
		{"over the 春节 week", "2026-02-14 08:30", "2026-02-24 08:30", 7*h + 30*time.Minute},
		{"equal", "2026-03-10 10:00", "2026-03-10 10:00", 0},
		{"reversed", "2026-03-10 11:00", "2026-03-10 10:00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Between(At(t, c, tc.a), At(t, c, tc.b)); got != tc.want {
				t.Errorf("Between(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestEndOfDay(t *testing.T) {
	c := MustShipped(t)
	for _, tc := range []struct{ name, at, want string }{
		{"working morning", "2026-03-10 09:00", "2026-03-10 17:30"},
		{"lunch break", "2026-03-10 12:30", "2026-03-10 17:30"},
		{"before opening", "2026-03-10 06:00", "2026-03-10 17:30"},
		{"a minute before closing", "2026-03-10 17:29", "2026-03-10 17:30"},
		{"at closing", "2026-03-10 17:30", "2026-03-11 17:30"},
		{"Friday evening", "2026-03-13 18:00", "2026-03-16 17:30"},
		{"Saturday", "2026-03-14 10:00", "2026-03-16 17:30"},
		{"the evening before a make-up Saturday", "2026-02-13 18:00", "2026-02-14 17:30"},
		{"the evening before 春节", "2026-02-14 18:00", "2026-02-24 17:30"},
		{"inside 国庆节", "2026-10-03 10:00", "2026-10-08 17:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.EndOfDay(At(t, c, tc.at))
			if want := At(t, c, tc.want); !got.Equal(want) || got.Location() != c.Location() {
				t.Errorf("EndOfDay(%s) = %v, want %s", tc.at, got, tc.want)
			}
		})
	}
	// 10:00 UTC is 18:00 in Shanghai: after hours there.
	got := c.EndOfDay(time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC))
	if want := At(t, c, "2026-03-11 17:30"); !got.Equal(want) {
		t.Errorf("EndOfDay(10:00 UTC) = %v, want %v", got, want)
	}
}

func BenchmarkAdd20WorkingDays(b *testing.B) {
	c := MustShipped(b)
	start := At(b, c, "2026-02-10 10:15")
	d := 20 * c.DayLength()
	want := At(b, c, "2026-03-16 10:15") // over 春节, two make-up Saturdays and three weekends
	b.ReportAllocs()
	for b.Loop() {
		if got := c.Add(start, d); !got.Equal(want) {
			b.Fatalf("Add = %v, want %v", got, want)
		}
	}
}
