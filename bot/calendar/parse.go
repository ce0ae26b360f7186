package calendar

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	maxLine   = 64 << 10 // longest line read
	maxErrors = 20       // a file this wrong stops being read
	maxSpan   = 366      // days a holiday or workday range may span
)

// ParseError is a mistake in a calendar file: the file's name, the line
// (0 when the mistake concerns the whole file) and what is wrong.
type ParseError struct {
	File string
	Line int
	Msg  string
}

// Error is "calendar.txt:12: what is wrong".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// Load reads the calendar file at path. Its errors start with the file's
// base name and, for a mistake in the file, the line (see Parse).
func Load(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	return Parse(f, filepath.Base(path))
}

// Parse reads a calendar from r; name is the file's name for the errors.
// It refuses a file with any mistake: an unknown directive; a malformed
// date, range or time; an end before its start; overlapping holidays; a day
// that is both a holiday and a make-up workday; a make-up workday that is
// already a working weekday; working hours out of order or overlapping; a
// missing timezone, hours, weekend or years line; a holiday or workday
// outside the declared years; an unknown time zone. Each mistake is a
// *ParseError naming its line; several are joined (errors.Join), up to 20.
func Parse(r io.Reader, name string) (*Calendar, error) {
	p := &parser{name: name, first: map[string]int{}, c: &Calendar{}}
	complete, err := p.read(r)
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if complete {
		p.finish() // checks that need the whole file
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.c, nil
}

// read reads the lines; it stops early, reporting false, at a line too
// long or after maxErrors mistakes.
func (p *parser) read(r io.Reader) (bool, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if n == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		p.line(n, text)
		if len(p.errs) >= maxErrors {
			p.errorf(0, "stopped reading after line %d: too many mistakes", n)
			return false, nil
		}
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		p.errorf(n+1, "line longer than %d KiB: stopped reading", maxLine>>10)
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// parser holds what has been read so far.
type parser struct {
	name    string
	errs    []error
	first   map[string]int // directive → line it first appeared on
	c       *Calendar
	entries []entry // holiday and workday lines, checked once all is read
}

// entry is one holiday or workday line.
type entry struct {
	line     int
	kind     string // "holiday" or "workday"
	text     string // the date or range as written
	from, to date
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// line reads one line: a comment, a blank or a directive.
func (p *parser) line(n int, text string) {
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = text[:i]
	}
	f := strings.Fields(text)
	if len(f) == 0 {
		return
	}
	switch f[0] {
	case "timezone", "hours", "weekend", "years":
		if prev, ok := p.first[f[0]]; ok {
			p.errorf(n, "%s repeats line %d", f[0], prev)
			return
		}
		p.first[f[0]] = n
		p.setting(n, f[0], f[1:])
	case "holiday", "workday":
		p.day(n, f[0], f[1:])
	default:
		p.errorf(n, "unknown directive %q (want timezone, hours, weekend, years, holiday or workday)", truncate(f[0]))
	}
}

func (p *parser) setting(n int, directive string, args []string) {
	switch directive {
	case "timezone":
		p.timezone(n, args)
	case "hours":
		p.hours(n, args)
	case "weekend":
		p.weekend(n, args)
	case "years":
		p.years(n, args)
	}
}

func (p *parser) timezone(n int, args []string) {
	if len(args) != 1 || args[0] == "Local" {
		p.errorf(n, "timezone wants one IANA zone name, like Asia/Shanghai")
		return
	}
	loc, err := time.LoadLocation(args[0])
	if err != nil {
		p.errorf(n, "timezone %s: unknown time zone", truncate(args[0]))
		return
	}
	p.c.loc = loc
}

func (p *parser) hours(n int, args []string) {
	if len(args) == 0 {
		p.errorf(n, "hours wants one or more ranges like 08:30-12:00")
		return
	}
	spans := make([]span, 0, len(args))
	var total time.Duration
	for i, a := range args {
		s, err := parseSpan(a)
		if err != nil {
			p.errorf(n, "hours %s: %v", truncate(a), err)
			return
		}
		if i > 0 && s.from < spans[i-1].to {
			p.errorf(n, "hours %s overlaps or comes before %s: ranges go in order without overlapping", truncate(a), truncate(args[i-1]))
			return
		}
		spans = append(spans, s)
		total += time.Duration(s.to-s.from) * time.Minute
	}
	p.c.hours, p.c.dayLen = spans, total
}

var dayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

func (p *parser) weekend(n int, args []string) {
	if len(args) == 1 && args[0] == "none" {
		p.c.weekend = [7]bool{}
		return
	}
	if len(args) == 0 {
		p.errorf(n, "weekend wants day names (mon tue wed thu fri sat sun) or none")
		return
	}
	var w [7]bool
	for _, a := range args {
		d, ok := dayNames[strings.ToLower(a)]
		if !ok || w[d] {
			p.errorf(n, "weekend %s: want each of mon tue wed thu fri sat sun at most once, or none", truncate(a))
			return
		}
		w[d] = true
	}
	if len(args) == 7 {
		p.errorf(n, "weekend leaves no working day in the week")
		return
	}
	p.c.weekend = w
}

func (p *parser) years(n int, args []string) {
	if len(args) == 0 {
		p.errorf(n, "years wants the years the file covers, like years 2026 2027")
		return
	}
	ys := make([]int, 0, len(args))
	for _, a := range args {
		y, err := strconv.Atoi(a)
		if err != nil || len(a) != 4 || y < 1000 {
			p.errorf(n, "years %s: want a four-digit year", truncate(a))
			return
		}
		if len(ys) > 0 && y <= ys[len(ys)-1] {
			p.errorf(n, "years %s: list each year once, in ascending order", a)
			return
		}
		ys = append(ys, y)
	}
	p.c.years = ys
}

// day reads a holiday or workday line: a date or a range, then a name.
func (p *parser) day(n int, kind string, args []string) {
	if len(args) < 2 {
		p.errorf(n, "%s wants a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD), then a name", kind)
		return
	}
	from, to, err := parseRange(args[0])
	if err != nil {
		p.errorf(n, "%s %s: %v", kind, truncate(args[0]), err)
		return
	}
	p.entries = append(p.entries, entry{line: n, kind: kind, text: args[0], from: from, to: to})
}
