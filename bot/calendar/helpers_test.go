package calendar_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"tapline/bot/calendar"
)

const shippedPath = "../../configs/calendar.txt"

// MustShipped loads configs/calendar.txt.
func MustShipped(tb testing.TB) *calendar.Calendar {
	tb.Helper()
	c, err := calendar.Load(shippedPath)
	if err != nil {
		tb.Fatalf("load %s: %v", shippedPath, err)
	}
	return c
}

// MustParse parses a calendar written in a test.
func MustParse(tb testing.TB, text string) *calendar.Calendar {
	tb.Helper()
	c, err := calendar.Parse(strings.NewReader(text), "test.txt")
	if err != nil {
		tb.Fatalf("parse:\n%s\n%v", text, err)
	}
	return c
}

// At reads "2006-01-02 15:04" in c's zone.
func At(tb testing.TB, c *calendar.Calendar, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// parseErrors returns every *calendar.ParseError inside err.
func parseErrors(err error) []*calendar.ParseError {
	var out []*calendar.ParseError
	var walk func(error)
	walk = func(e error) {
		var pe *calendar.ParseError
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		default:
			if errors.As(e, &pe) {
				out = append(out, pe)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}
