package dialog

import (
	"regexp"
	"strings"
)

// phoneSpan is a phone number found in a text: its normalised form and the
// byte span it covered.
type phoneSpan struct {
	Value      string
	Start, End int
}

var (
	mobileRe  = regexp.MustCompile(`^1[3-9]\d{9}$`)
	localRe   = regexp.MustCompile(`^[2-9]\d{6,7}$`)
	numRunRe  = regexp.MustCompile(`\+?\(?\d(?:[ \-()]{0,2}\d)*`)
	digitGrRe = regexp.MustCompile(`\d+`)
	phoneHint = []string{"电话", "手机", "号码", "联系", "打", "tel", "TEL", "Tel"}
)

// classifyPhone turns a digit string into a normalised phone number:
// mobile 1[3-9]xxxxxxxxx, landline 0xx(x)-xxxxxxx(x), or a 7–8 digit local
// number when local is true. A +86/86/0086 prefix is dropped.
func classifyPhone(d string, local bool) string {
	for _, p := range []string{"0086", "86"} {
		if rest, ok := strings.CutPrefix(d, p); ok && len(rest) >= 9 {
			if v := classifyPhone(rest, false); v != "" {
				return v
			}
			if rest[0] != '0' {
				if v := classifyPhone("0"+rest, false); v != "" {
					return v
				}
			}
		}
	}
	switch {
	case mobileRe.MatchString(d):
		return d
	case len(d) >= 10 && len(d) <= 12 && d[0] == '0':
		area := 4
		if d[1] == '1' || d[1] == '2' {
			area = 3
		}
		if localRe.MatchString(d[area:]) {
			return d[:area] + "-" + d[area:]
		}
	case local && localRe.MatchString(d):
		return d
	}
	return ""
}

// findPhone returns the phone number in normalised text s: the first one,
// or the last when the resident corrected themselves between two ("138…
// 哦不对 是138…"). Local numbers without an area code count only when
// local is true or a phone word (电话, 手机 …) comes shortly before them.
// A landline's extension ("转 123") is kept after a dash.
func findPhone(s string, local bool) (phoneSpan, bool) {
	var found []phoneSpan
	for _, run := range numRunRe.FindAllStringIndex(s, -1) {
		hinted := local || hintBefore(s, run[0])
		if p, ok := phoneInRun(s[run[0]:run[1]], hinted); ok {
			p.Start += run[0]
			p.End += run[0]
			found = append(found, withExtension(s, p))
		}
	}
	switch {
	case len(found) == 0:
		return phoneSpan{}, false
	case len(found) > 1 && containsAny(s[found[0].End:found[len(found)-1].Start], selfCorrections):
		return found[len(found)-1], true
	}
	return found[0], true
}

// selfCorrections between two numbers mean the second replaces the first.
var selfCorrections = []string{"不对", "不是", "错了", "打错", "说错", "应该是", "改成", "更正"}

// extensionRe is an extension after a landline: "转 123", "分机123", "-123".
var extensionRe = regexp.MustCompile(`^\s*(?:转|分机|ext\.?|EXT\.?|-|#)\s*(\d{1,6})\b`)

// withExtension extends a landline span over its extension.
func withExtension(s string, p phoneSpan) phoneSpan {
	if !strings.Contains(p.Value, "-") { // mobiles and bare local numbers have none
		return p
	}
	if m := extensionRe.FindStringSubmatchIndex(s[p.End:]); m != nil {
		p.Value += "-" + s[p.End+m[2]:p.End+m[3]]
		p.End += m[1]
	}
	return p
}

// phoneInRun tries the digit groups of one run (separated by single spaces,
// dashes or brackets), longest joined sequence first.
func phoneInRun(run string, local bool) (phoneSpan, bool) {
	groups := digitGrRe.FindAllStringIndex(run, -1)
	for i := range groups {
		for j := len(groups); j > i; j-- {
			var b strings.Builder
			for _, g := range groups[i:j] {
				b.WriteString(run[g[0]:g[1]])
			}
			if v := classifyPhone(b.String(), local); v != "" {
				start := groups[i][0]
				if i == 0 {
					start = 0 // include a leading + or (
				}
				return phoneSpan{Value: v, Start: start, End: groups[j-1][1]}, true
			}
		}
	}
	return phoneSpan{}, false
}

// hintBefore reports whether a phone word appears in the few runes before
// byte offset i.
func hintBefore(s string, i int) bool {
	before := []rune(s[:i])
	if len(before) > 8 {
		before = before[len(before)-8:]
	}
	for _, h := range phoneHint {
		if strings.Contains(string(before), h) {
			return true
		}
	}
	return false
}

// parsePhone validates an answer to the phone question: the answer must
// hold one phone number (local numbers allowed).
func parsePhone(s string) (string, bool) {
	p, ok := findPhone(normalize(s), true)
	return p.Value, ok
}
