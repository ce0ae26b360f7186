package calendar

import (
	"slices"
	"strconv"
	"strings"
)

// required are the directives a file must have, with an example each.
var required = [][2]string{
	{"timezone", "timezone Asia/Shanghai"},
	{"hours", "hours 08:30-12:00 13:30-17:30"},
	{"weekend", "weekend sat sun, or weekend none"},
	{"years", "years 2026 2027"},
}

// finish runs the checks that need the whole file, then fills the
// calendar's holidays and make-up workdays.
func (p *parser) finish() {
	for _, r := range required {
		if _, ok := p.first[r[0]]; !ok {
			p.errorf(0, "missing %s line (like %s)", r[0], r[1])
		}
	}
	holidays := p.holidays()
	workdays := p.workdays(holidays)
	p.c.holidays = make(map[date]struct{}, len(holidays))
	for d := range holidays {
		p.c.holidays[d] = struct{}{}
	}
	p.c.workdays = make(map[date]struct{}, len(workdays))
	for d := range workdays {
		p.c.workdays[d] = struct{}{}
	}
}

// holidays checks the holiday lines and returns day → line.
func (p *parser) holidays() map[date]int {
	lines := map[date]int{}
	for _, e := range p.entries {
		if e.kind != "holiday" || !p.inYears(e) || len(p.errs) >= maxErrors {
			continue
		}
		if d, prev, ok := firstIn(e, lines); ok {
			p.errorf(e.line, "holiday %s overlaps line %d (%s)", e.text, prev, d)
			continue
		}
		for d := e.from; d <= e.to; d++ {
			lines[d] = e.line
		}
	}
	return lines
}

// workdays checks the workday lines against the holidays and the weekend
// and returns day → line.
func (p *parser) workdays(holidays map[date]int) map[date]int {
	lines := map[date]int{}
	_, weekendKnown := p.first["weekend"]
	for _, e := range p.entries {
		if e.kind != "workday" || !p.inYears(e) || len(p.errs) >= maxErrors {
			continue
		}
		if d, prev, ok := firstIn(e, holidays); ok {
			p.errorf(e.line, "workday %s is a holiday on line %d (%s)", e.text, prev, d)
			continue
		}
		if d, prev, ok := firstIn(e, lines); ok {
			p.errorf(e.line, "workday %s overlaps line %d (%s)", e.text, prev, d)
			continue
		}
		if d, ok := p.firstWeekday(e); ok && weekendKnown {
			p.errorf(e.line, "workday %s: %s is a %s, already a working day", e.text, d, d.weekday())
			continue
		}
		for d := e.from; d <= e.to; d++ {
			lines[d] = e.line
		}
	}
	return lines
}

// inYears reports whether e lies in the declared years, and says so when
// it does not. Without a years line there is nothing to check against.
func (p *parser) inYears(e entry) bool {
	if p.c.years == nil {
		return true
	}
	for _, d := range []date{e.from, e.to} {
		y, _, _ := d.civil()
		if _, ok := slices.BinarySearch(p.c.years, y); !ok {
			p.errorf(e.line, "%s %s is outside the declared years %s", e.kind, e.text, yearList(p.c.years))
			return false
		}
	}
	return true
}

// firstWeekday returns the first day of e that is not a weekend day.
func (p *parser) firstWeekday(e entry) (date, bool) {
	for d := e.from; d <= e.to; d++ {
		if !p.c.weekend[d.weekday()] {
			return d, true
		}
	}
	return 0, false
}

// firstIn returns the first day of e already in lines, and its line.
func firstIn(e entry, lines map[date]int) (date, int, bool) {
	for d := e.from; d <= e.to; d++ {
		if l, ok := lines[d]; ok {
			return d, l, true
		}
	}
	return 0, 0, false
}

func yearList(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, " ")
}
