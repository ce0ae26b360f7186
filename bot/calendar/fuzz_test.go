package calendar_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"tapline/bot/calendar"
)

// FuzzParse feeds arbitrary files to Parse: whatever it cannot use it must
// refuse with errors naming the file, never a panic; whatever it accepts
// must answer the questions the deadline engine asks, and finish.
func FuzzParse(f *testing.F) {
	shipped, err := os.ReadFile(shippedPath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	f.Add([]byte(edit(7, "holiday 2026-01-03..2026-01-05 x")))
	f.Add([]byte(edit(7, "workday 2026-01-03 x")))
	f.Add([]byte("timezone UTC\nhours 00:00-24:00\nweekend none\nyears 2026\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := calendar.Parse(bytes.NewReader(doc), "fuzz.txt")
		if (err == nil) == (c == nil) {
			t.Fatalf("Parse = %v, %v", c, err)
		}
		if err != nil {
			for line := range strings.SplitSeq(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.txt") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		s := time.Date(2026, 3, 10, 9, 0, 0, 0, c.Location())
		d := 3*c.DayLength() + 17*time.Minute
		end := c.Add(s, d)
		if got := c.Between(s, end); got != d {
			t.Fatalf("Between(s, Add(s, %v)) = %v", d, got)
		}
		if e := c.EndOfDay(s); !e.After(s) || !c.IsWorkday(e.Add(-time.Nanosecond)) {
			t.Fatalf("EndOfDay(%v) = %v", s, e)
		}
		_ = c.Covers(s)
	})
}
