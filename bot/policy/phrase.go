package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Phrase is one entry of the policy's lexicons (category keywords, the
// policy 4.1.3 criteria, emergencies). A plain word matches itself. Parts
// separated by "…" must occur in that order within one clause of the text,
// at most MaxGap runes apart ("井盖…不见|丢|被偷": a manhole cover that is
// gone, not one that rattles); a part lists alternatives with "|", and "#"
// in a part stands for a number (digits or Chinese numerals, "三百多").
type Phrase struct {
	src   string
	parts [][][]rune // part → alternatives → runes
	lit   int        // runes of literal text in the shortest reading
	first []rune     // the runes a match can start with
	num   bool       // a match can start with a number ('#' first)
}

// MaxGap is how many runes may stand between two parts of a phrase.
const MaxGap = 6

// ParsePhrase compiles a lexicon entry.
func ParsePhrase(s string) (Phrase, error) {
	p := Phrase{src: s}
	for _, part := range strings.Split(s, "…") {
		var alts [][]rune
		shortest := -1
		for _, a := range strings.Split(part, "|") {
			a = strings.TrimSpace(a)
			if a == "" {
				return Phrase{}, fmt.Errorf("phrase %q: empty part or alternative", s)
			}
			alts = append(alts, []rune(a))
			if n := len([]rune(strings.ReplaceAll(a, "#", ""))); shortest < 0 || n < shortest {
				shortest = n
			}
		}
		p.parts = append(p.parts, alts)
		p.lit += shortest
	}
	for _, a := range p.parts[0] {
		if a[0] == '#' {
			p.num = true
		} else if !slices.Contains(p.first, a[0]) {
			p.first = append(p.first, a[0])
		}
	}
	return p, nil
}

// mayStart reports whether a match can start with r (a cheap test before
// matching at a position).
func (p Phrase) mayStart(r rune) bool {
	return slices.Contains(p.first, r) || (p.num && isNumberRune(r))
}

// String returns the entry as written.
func (p Phrase) String() string { return p.src }

// Weight is how specific the phrase is: its literal runes.
func (p Phrase) Weight() int { return p.lit }

// In reports whether the phrase occurs in text (in any one clause).
func (p Phrase) In(text string) bool {
	for _, c := range Clauses(text) {
		if _, _, ok := p.find(c); ok {
			return true
		}
	}
	return false
}

// find returns the first span of clause the phrase matches.
func (p Phrase) find(clause []rune) (start, end int, ok bool) {
	for i, r := range clause {
		if !p.mayStart(r) {
			continue
		}
		if e, ok := p.matchFrom(clause, 0, i); ok {
			return i, e, true
		}
	}
	return 0, 0, false
}

// matchFrom matches parts[k:] with part k starting exactly at i.
func (p Phrase) matchFrom(c []rune, k, i int) (int, bool) {
	for _, alt := range p.parts[k] {
		e, ok := matchAlt(c, alt, i)
		if !ok {
			continue
		}
		if k == len(p.parts)-1 {
			return e, true
		}
		for j := e; j <= e+MaxGap && j < len(c); j++ {
			if end, ok := p.matchFrom(c, k+1, j); ok {
				return end, true
			}
		}
	}
	return 0, false
}

// matchAlt matches one alternative at i; '#' takes a run of number runes.
func matchAlt(c, alt []rune, i int) (int, bool) {
	j := i
	for _, r := range alt {
		if r == '#' {
			k := j
			for k < len(c) && isNumberRune(c[k]) {
				k++
			}
			if k == j {
				return 0, false
			}
			if k < len(c) && strings.ContainsRune("多余来", c[k]) { // "三百多", "十来"
				k++
			}
			j = k
			continue
		}
		if j >= len(c) || c[j] != r {
			return 0, false
		}
		j++
	}
	return j, true
}

func isNumberRune(r rune) bool {
	return unicode.IsDigit(r) || strings.ContainsRune("零一二两三四五六七八九十百千万几半", r)
}

// Clauses splits text where a resident pauses (punctuation, line breaks):
// the parts of a phrase never match across them.
func Clauses(text string) [][]rune {
	var out [][]rune
	for _, c := range strings.FieldsFunc(text, func(r rune) bool {
		return strings.ContainsRune("，,。！!？?；;\n\r", r)
	}) {
		out = append(out, []rune(c))
	}
	return out
}

// negators undo a 4.1.3 phrase right before it ("没有人受伤", "不要什么赔偿",
// "不会去找媒体"), across the bridge words between them.
var (
	negators = []string{"没有", "没", "不", "无", "未", "别", "并非"}
	bridges  = "会想要用去找需是有再也还都什么任何啥算打准备"
)

// negated reports whether the match starting at i is negated.
func negated(c []rune, i int) bool {
	j := i
	for steps := 0; j > 0 && steps < 5; steps++ {
		for _, n := range negators {
			nr := []rune(n)
			if j >= len(nr) && string(c[j-len(nr):j]) == n {
				return true
			}
		}
		if !strings.ContainsRune(bridges, c[j-1]) {
			return false
		}
		j--
	}
	return false
}

// Match is where a lexicon entry matched: the entry and the words.
type Match struct {
	Phrase Phrase
	Words  string
	Start  int // rune offset in its clause
	End    int
	Clause int
}

// lexicon is a compiled list of phrases with the phrases that undo them
// in the same clause.
type lexicon struct {
	phrases []Phrase
	unless  []Phrase
	negate  bool // negators before a match undo it
}

// first returns the first match of any phrase, in text order.
func (l lexicon) first(clauses [][]rune) (Match, bool) {
	for ci, c := range clauses {
		if l.undone(c) {
			continue
		}
		best := Match{Start: -1}
		for _, p := range l.phrases {
			if s, e, ok := l.findOK(p, c); ok && (best.Start < 0 || s < best.Start) {
				best = Match{Phrase: p, Words: string(c[s:e]), Start: s, End: e, Clause: ci}
			}
		}
		if best.Start >= 0 {
			return best, true
		}
	}
	return Match{}, false
}

// findOK finds p in c, skipping negated matches.
func (l lexicon) findOK(p Phrase, c []rune) (int, int, bool) {
	for from := 0; from < len(c); {
		s, e, ok := p.find(c[from:])
		if !ok {
			return 0, 0, false
		}
		s, e = s+from, e+from
		if !l.negate || !negated(c, s) {
			return s, e, true
		}
		from = s + 1
	}
	return 0, 0, false
}

func (l lexicon) undone(c []rune) bool {
	for _, u := range l.unless {
		if _, _, ok := u.find(c); ok {
			return true
		}
	}
	return false
}

func compile(field string, words []string) ([]Phrase, error) {
	out := make([]Phrase, 0, len(words))
	for i, w := range words {
		p, err := ParsePhrase(w)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out = append(out, p)
	}
	return out, nil
}
