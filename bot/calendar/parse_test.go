package calendar_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapline/bot/calendar"
)

// base is a valid file; the error cases replace or append lines.
var base = []string{
	"timezone Asia/Shanghai",                   // 1
	"hours 08:30-12:00 13:30-17:30  # a break", // 2
	"weekend sat sun",                          // 3
	"years 2026",                               // 4
	"holiday 2026-01-01..2026-01-03 元旦",        // 5
	"workday 2026-01-04 元旦调休",                  // 6
}

// edit returns base with line n (1-based) replaced by text, or with text
// appended when n is past the end; text "" deletes the line.
func edit(n int, text string) string {
	lines := append([]string(nil), base...)
	switch {
	case n > len(lines):
		lines = append(lines, text)
	case text == "":
		lines = append(lines[:n-1], lines[n:]...)
	default:
		lines[n-1] = text
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestParseRefusesWithTheLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		line int
		msg  string
	}{
		{"unknown directive", edit(7, "holidays 2026-02-01 x"), 7, `unknown directive "holidays"`},
		{"directive in capitals", edit(7, "Holiday 2026-02-01 x"), 7, `unknown directive "Holiday"`},
		{"malformed date", edit(7, "holiday 2026-13-01 x"), 7, `holiday 2026-13-01: date "2026-13-01": want a real date`},
		{"no such day", edit(7, "holiday 2026-02-30 x"), 7, `date "2026-02-30"`},
		{"unpadded date", edit(7, "holiday 2026-2-1 x"), 7, `date "2026-2-1"`},
		{"malformed range", edit(7, "holiday 2026-02-01...2026-02-03 x"), 7, `date ".2026-02-03"`},
		{"range with a time", edit(7, "holiday 2026-02-01T10:00 x"), 7, `want a real date`},
		{"holiday without a name", edit(7, "holiday 2026-02-01"), 7, "then a name"},
		{"holiday end before start", edit(7, "holiday 2026-02-03..2026-02-01 x"), 7, "holiday 2026-02-03..2026-02-01: end before start"},
		{"range over a year", edit(7, "holiday 2026-01-05..2027-01-06 x"), 7, "at most 366 days"},
		{"overlapping holidays", edit(7, "holiday 2026-01-03..2026-01-05 x"), 7, "holiday 2026-01-03..2026-01-05 overlaps line 5 (2026-01-03)"},
		{"holiday and workday", edit(7, "workday 2026-01-03 x"), 7, "workday 2026-01-03 is a holiday on line 5 (2026-01-03)"},
		{"workday before its holiday", edit(7, "holiday 2026-01-04 x"), 6, "workday 2026-01-04 is a holiday on line 7 (2026-01-04)"},
		{"workday twice", edit(7, "workday 2026-01-04 again"), 7, "workday 2026-01-04 overlaps line 6 (2026-01-04)"},
		{"workday on a working weekday", edit(7, "workday 2026-01-05 x"), 7, "workday 2026-01-05: 2026-01-05 is a Monday, already a working day"},
		{"workday range with a weekday", edit(7, "workday 2026-01-10..2026-01-12 x"), 7, "2026-01-12 is a Monday"},
		{"hours overlapping", edit(2, "hours 08:30-12:00 11:30-17:30"), 2, "hours 11:30-17:30 overlaps or comes before 08:30-12:00"},
		{"hours out of order", edit(2, "hours 13:30-17:30 08:30-12:00"), 2, "hours 08:30-12:00 overlaps or comes before 13:30-17:30"},
		{"hours malformed", edit(2, "hours 8:30-12:00"), 2, `hours 8:30-12:00: time "8:30": want HH:MM`},
		{"hours without a dash", edit(2, "hours 08:30"), 2, "want a range like 08:30-12:00"},
		{"hours end before start", edit(2, "hours 12:00-08:30"), 2, "hours 12:00-08:30: end before start"},
		{"hours empty range", edit(2, "hours 08:30-08:30"), 2, "end before start"},
		{"hours no such time", edit(2, "hours 08:30-25:00"), 2, `time "25:00": no such time of day`},
		{"hours 24:00 as a start", edit(2, "hours 24:00-24:00"), 2, `time "24:00": no such time of day`},
		{"hours none", edit(2, "hours"), 2, "hours wants one or more ranges"},
		{"missing timezone", edit(1, ""), 0, "missing timezone line"},
		{"missing hours", edit(2, ""), 0, "missing hours line"},
		{"missing weekend", edit(3, ""), 0, "missing weekend line"},
		{"missing years", edit(4, ""), 0, "missing years line"},
		{"empty file", "", 0, "missing timezone line"},
		{"holiday outside the years", edit(7, "holiday 2027-01-01 x"), 7, "holiday 2027-01-01 is outside the declared years 2026"},
		{"range leaving the years", edit(7, "holiday 2026-12-31..2027-01-01 x"), 7, "holiday 2026-12-31..2027-01-01 is outside the declared years 2026"},
		{"workday outside the years", edit(7, "workday 2025-12-27 x"), 7, "workday 2025-12-27 is outside the declared years 2026"},
		{"unknown time zone", edit(1, "timezone Mars/Olympus"), 1, "timezone Mars/Olympus: unknown time zone"},
		{"machine's own zone", edit(1, "timezone Local"), 1, "timezone wants one IANA zone name"},
		{"two zones", edit(1, "timezone Asia/Shanghai UTC"), 1, "timezone wants one IANA zone name"},
		{"repeated timezone", edit(7, "timezone UTC"), 7, "timezone repeats line 1"},
		{"repeated hours", edit(7, "hours 09:00-17:00"), 7, "hours repeats line 2"},
		{"weekend every day", edit(3, "weekend mon tue wed thu fri sat sun"), 3, "weekend leaves no working day"},
		{"weekend unknown day", edit(3, "weekend sat sunday"), 3, "weekend sunday"},
		{"weekend twice the same day", edit(3, "weekend sat sat"), 3, "weekend sat: want each"},
		{"weekend empty", edit(3, "weekend"), 3, "weekend wants day names"},
		{"years malformed", edit(4, "years 26"), 4, "years 26: want a four-digit year"},
		{"years out of order", edit(4, "years 2027 2026"), 4, "years 2026: list each year once, in ascending order"},
		{"years empty", edit(4, "years"), 4, "years wants the years"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := calendar.Parse(strings.NewReader(tc.file), "calendar.txt")
			if err == nil || c != nil {
				t.Fatalf("Parse accepted:\n%s", tc.file)
			}
			prefix := "calendar.txt: "
			if tc.line > 0 {
				prefix = "calendar.txt:" + strconv.Itoa(tc.line) + ": "
			}
			for _, pe := range parseErrors(err) {
				if pe.Line == tc.line && strings.Contains(pe.Msg, tc.msg) && strings.HasPrefix(pe.Error(), prefix) {
					return
				}
			}
			t.Errorf("Parse error:\n%v\nwant one starting %q containing %q", err, prefix, tc.msg)
		})
	}
}

func TestParseExampleFromTheBrief(t *testing.T) {
	lines := []string{"timezone Asia/Shanghai", "hours 08:30-12:00 13:30-17:30", "weekend sat sun", "years 2026",
		"", "# 春节", "", "", "holiday 2026-02-20..2026-02-25 x", "", "", "holiday 2026-02-15..2026-02-23 春节"}
	_, err := calendar.Parse(strings.NewReader(strings.Join(lines, "\n")), "calendar.txt")
	want := "calendar.txt:12: holiday 2026-02-15..2026-02-23 overlaps line 9 (2026-02-20)"
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %s", err, want)
	}
}

func TestParseReportsEveryMistake(t *testing.T) {
	file := "timezone Nowhere/Land\nhours 08:30-12:00\nweekend sat sun\nyears 2026\nfoo\nholiday 2026-02-31 x\n"
	var lines []int
	for _, pe := range parseErrors(mustFail(t, file)) {
		lines = append(lines, pe.Line)
	}
	if len(lines) != 3 || lines[0] != 1 || lines[1] != 5 || lines[2] != 6 {
		t.Errorf("error lines = %v, want [1 5 6]", lines)
	}
}

func TestParseStopsAfterTwentyMistakes(t *testing.T) {
	file := strings.Repeat("nonsense\n", 500) + edit(99, "")
	pes := parseErrors(mustFail(t, file))
	last := pes[len(pes)-1]
	if len(pes) != 21 || last.Line != 0 || last.Msg != "stopped reading after line 20: too many mistakes" {
		t.Errorf("%d errors, the last %v; want 20 and a note that reading stopped", len(pes), last)
	}
}

func TestParseRefusesAnOverlongLine(t *testing.T) {
	file := edit(7, "# "+strings.Repeat("x", 70<<10))
	pes := parseErrors(mustFail(t, file))
	if len(pes) != 1 || pes[0].Line != 7 || !strings.Contains(pes[0].Msg, "longer than") {
		t.Errorf("errors = %v, want one on line 7 about its length", pes)
	}
}

func mustFail(t *testing.T, file string) error {
	t.Helper()
	c, err := calendar.Parse(strings.NewReader(file), "calendar.txt")
	if err == nil || c != nil {
		t.Fatalf("Parse accepted:\n%s", file)
	}
	return err
}

func TestParseAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		check      func(t *testing.T, c *calendar.Calendar)
	}{
		{"byte order mark, tabs and comments", "\ufefftimezone\tAsia/Shanghai # zone\n\n  hours 08:30-12:00 # am\nweekend SAT Sun\nyears 2026 2027\n", func(t *testing.T, c *calendar.Calendar) {
			if c.DayLength() != 3*time.Hour+30*time.Minute || c.IsWorkday(At(t, c, "2026-03-07 10:00")) {
				t.Errorf("DayLength = %v", c.DayLength())
			}
		}},
		{"directives in any order", "holiday 2026-03-09 厂休 日\nweekend sat sun\nyears 2026\nhours 09:00-17:00\ntimezone UTC\n", func(t *testing.T, c *calendar.Calendar) {
			if c.IsWorkday(At(t, c, "2026-03-09 10:00")) || c.Location() != time.UTC {
				t.Error("the holiday before the years line was lost")
			}
		}},
		{"a seven-day week to midnight", "timezone UTC\nhours 00:00-24:00\nweekend none\nyears 2026\n", func(t *testing.T, c *calendar.Calendar) {
			sat := At(t, c, "2026-03-07 23:00")
			if c.DayLength() != 24*time.Hour || !c.IsWorkday(sat) || !c.Add(sat, 2*time.Hour).Equal(sat.Add(2*time.Hour)) {
				t.Errorf("DayLength = %v, Add = %v", c.DayLength(), c.Add(sat, 2*time.Hour))
			}
		}},
		{"touching ranges", "timezone UTC\nhours 08:00-12:00 12:00-13:00\nweekend sat sun\nyears 2026\n", func(t *testing.T, c *calendar.Calendar) {
			if got := c.Add(At(t, c, "2026-03-09 11:00"), 2*time.Hour); !got.Equal(At(t, c, "2026-03-09 13:00")) {
				t.Errorf("Add = %v", got)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, MustParse(t, tc.file)) })
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	_, err := calendar.Load(filepath.Join(dir, "missing.txt"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "missing.txt: ") {
		t.Errorf("Load(missing) = %v, want a not-exist error starting with missing.txt", err)
	}
	path := filepath.Join(dir, "cal.txt")
	if err := os.WriteFile(path, []byte(edit(7, "workday 2026-01-05 x")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := calendar.Load(path); err == nil || !strings.HasPrefix(err.Error(), "cal.txt:7: ") {
		t.Errorf("Load(bad) = %v, want an error starting with cal.txt:7:", err)
	}
}
