// Package calendar is the business calendar the deadlines of ordinary
// complaints run on (policy 4.3.3, 6.1): working hours with a lunch break,
// weekends, public holidays and make-up working days (调休), read from
// configs/calendar.txt. It is pure: no clock inside, every answer is a
// function of its arguments. Major and safety clocks run on wall time; the
// caller decides which clock a stage uses.
package calendar

import (
	"slices"
	"time"
	_ "time/tzdata" // time zones load on a machine without tzdata
)

// Calendar answers working-time questions in one time zone. Build it with
// Load or Parse; it is immutable and safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	hours    []span            // working ranges of a day, ascending, not overlapping
	weekend  [7]bool           // indexed by time.Weekday
	holidays map[date]struct{} // public holidays
	workdays map[date]struct{} // make-up working days (调休)
	years    []int             // declared years, ascending
	dayLen   time.Duration     // sum of hours
}

// span is a working range of a day in minutes after midnight, [from, to).
type span struct{ from, to int }

// date is a civil day, counted from 1970-01-01.
type date int64

// dateOf returns the civil day of y-m-d (normalised like time.Date).
func dateOf(y int, m time.Month, d int) date {
	return date(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civil returns the year, month and day of d.
func (d date) civil() (int, time.Month, int) {
	return time.Unix(int64(d)*86400+43200, 0).UTC().Date()
}

// weekday returns the day of the week of d (1970-01-01 was a Thursday).
func (d date) weekday() time.Weekday {
	return time.Weekday(((int64(d)+4)%7 + 7) % 7)
}

// String is d as YYYY-MM-DD.
func (d date) String() string {
	y, m, dd := d.civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// day returns the civil day of t in c's zone.
func (c *Calendar) day(t time.Time) date {
	y, m, d := t.In(c.loc).Date()
	return dateOf(y, m, d)
}

// Location returns the time zone of the working hours; every time the
// calendar returns is in it.
func (c *Calendar) Location() *time.Location { return c.loc }

// DayLength returns the working time of one full working day.
func (c *Calendar) DayLength() time.Duration { return c.dayLen }

// Covers reports whether t's year (in c's zone) is one the file declares:
// outside them holidays are unknown and only weekends are taken off.
func (c *Calendar) Covers(t time.Time) bool {
	_, found := slices.BinarySearch(c.years, t.In(c.loc).Year())
	return found
}

// IsWorkday reports whether the calendar day of t in c's zone is a working
// day: a make-up working day, or a day that is neither a holiday nor a
// weekend day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.isWorkday(c.day(t)) }

func (c *Calendar) isWorkday(d date) bool {
	if _, ok := c.workdays[d]; ok {
		return true
	}
	if _, ok := c.holidays[d]; ok {
		return false
	}
	return !c.weekend[d.weekday()]
}
