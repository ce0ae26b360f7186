package policy

import (
	"cmp"
	"slices"
	"strings"
)

// compileLexicons compiles the category keywords, the policy 4.1.3
// criteria and the emergencies (validate calls it).
func (p *Policy) compileLexicons() error {
	unless, err := compile("major_unless", p.MajorUnless)
	if err != nil {
		return err
	}
	p.major = map[string]lexicon{}
	for _, c := range MajorCriteria {
		ph, err := compile("major_keywords."+c, p.Major[c])
		if err != nil {
			return err
		}
		p.major[c] = lexicon{phrases: ph, unless: unless, negate: true}
	}
	p.catIndex = map[rune][]catPhrase{}
	p.catNum = nil
	for k, c := range p.Categories {
		if c.phrases, err = compile("categories."+c.Key+".keywords", c.Keywords); err != nil {
			return err
		}
		for _, ph := range c.phrases {
			cp := catPhrase{cat: k, ph: ph}
			for _, r := range ph.first {
				p.catIndex[r] = append(p.catIndex[r], cp)
			}
			if ph.num {
				p.catNum = append(p.catNum, cp)
			}
		}
	}
	for _, e := range p.Emergencies {
		ph, err := compile("emergencies."+e.Key+".keywords", e.Keywords)
		if err != nil {
			return err
		}
		e.lex = lexicon{phrases: ph, unless: unless, negate: true}
	}
	return nil
}

// MajorCriterion returns the first policy 4.1.3 criterion (in the order of
// MajorCriteria) whose phrases occur in text, not negated and not undone
// by major_unless in the same clause, and the words that fired; "" if none.
func (p *Policy) MajorCriterion(text string) (criterion, words string) {
	cl := Clauses(text)
	for _, c := range MajorCriteria {
		if m, ok := p.major[c].first(cl); ok {
			return c, m.Words
		}
	}
	return "", ""
}

// EmergencyMatch returns the first emergency whose phrases occur in text
// (as MajorCriterion reads them) and the words that fired, or nil.
func (p *Policy) EmergencyMatch(text string) (*Emergency, string) {
	cl := Clauses(text)
	for _, e := range p.Emergencies {
		if m, ok := e.lex.first(cl); ok {
			return e, m.Words
		}
	}
	return nil, ""
}

// Emergency returns the first emergency text describes, or nil.
func (p *Policy) Emergency(text string) *Emergency {
	e, _ := p.EmergencyMatch(text)
	return e
}

// hit is one category phrase found in a text.
type hit struct {
	cat    int
	phrase string
	weight int
	clause int
	start  int
	end    int
	words  string
}

// Classify returns the category text is about and the words that decided
// it; "" when no keyword occurs. Every keyword found counts its literal
// runes, once (specific phrases outweigh general words: 接水费 beats 水表,
// 抄表员 beats 师傅); where two keywords overlap only the longer counts;
// the highest total wins and a tie goes to the first in policy order.
func (p *Policy) Classify(text string) (key string, words []string) {
	hits := p.hits(Clauses(text))
	// the heaviest first; of two equally heavy, the tighter (修水管 over 水管…裂)
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Or(b.weight-a.weight, (a.end-a.start)-(b.end-b.start)) })
	score := make([]int, len(p.Categories))
	var kept []hit
	counted := map[string]bool{}
	for _, h := range hits {
		if slices.ContainsFunc(kept, h.overlaps) {
			continue
		}
		kept = append(kept, h)
		if id := p.Categories[h.cat].Key + "/" + h.phrase; !counted[id] { // a keyword counts once
			counted[id] = true
			score[h.cat] += h.weight
		}
	}
	best := -1
	for i, s := range score {
		if s > 0 && (best < 0 || s > score[best]) {
			best = i
		}
	}
	if best < 0 {
		return "", nil
	}
	for _, h := range kept {
		if h.cat == best && !slices.Contains(words, h.words) {
			words = append(words, h.words)
		}
	}
	return p.Categories[best].Key, words
}

func (h hit) overlaps(o hit) bool {
	return h.clause == o.clause && h.start < o.end && o.start < h.end
}

// catPhrase is a category phrase in the index by first rune.
type catPhrase struct {
	cat int
	ph  Phrase
}

// hits finds every occurrence of every category phrase, trying at each
// position only the phrases that can start with its rune.
func (p *Policy) hits(clauses [][]rune) []hit {
	var out []hit
	for ci, c := range clauses {
		for i, r := range c {
			cands := p.catIndex[r]
			if isNumberRune(r) {
				cands = append(cands[:len(cands):len(cands)], p.catNum...)
			}
			for _, cp := range cands {
				if e, ok := cp.ph.matchFrom(c, 0, i); ok {
					out = append(out, hit{cat: cp.cat, phrase: cp.ph.String(), weight: cp.ph.Weight(), clause: ci,
						start: i, end: e, words: strings.TrimSpace(string(c[i:e]))})
				}
			}
		}
	}
	return out
}
