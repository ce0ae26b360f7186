package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseSpan reads HH:MM-HH:MM; the end may be 24:00.
func parseSpan(s string) (span, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return span{}, errors.New("want a range like 08:30-12:00")
	}
	from, err := parseClock(a, false)
	if err != nil {
		return span{}, err
	}
	to, err := parseClock(b, true)
	if err != nil {
		return span{}, err
	}
	if to <= from {
		return span{}, errors.New("end before start")
	}
	return span{from, to}, nil
}

// parseClock reads HH:MM as minutes after midnight.
func parseClock(s string, end bool) (int, error) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, fmt.Errorf("time %q: want HH:MM", truncate(s))
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	if m > 59 || h > 24 || h == 24 && (m != 0 || !end) {
		return 0, fmt.Errorf("time %q: no such time of day", s)
	}
	return h*60 + m, nil
}

// parseRange reads YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD.
func parseRange(s string) (date, date, error) {
	a, b, isRange := strings.Cut(s, "..")
	from, err := parseDate(a)
	if err != nil {
		return 0, 0, err
	}
	to := from
	if isRange {
		if to, err = parseDate(b); err != nil {
			return 0, 0, err
		}
	}
	switch {
	case to < from:
		return 0, 0, errors.New("end before start")
	case to-from >= maxSpan:
		return 0, 0, fmt.Errorf("a range may span at most %d days", maxSpan)
	}
	return from, to, nil
}

func parseDate(s string) (date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return 0, fmt.Errorf("date %q: want a real date as YYYY-MM-DD", truncate(s))
	}
	return dateOf(t.Date()), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// truncate keeps echoed input short.
func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	return strings.ToValidUTF8(s[:40], "") + "…"
}
