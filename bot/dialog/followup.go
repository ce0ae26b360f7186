package dialog

import (
	"fmt"
	"slices"

	"tapline/bot/policy"
)

// Followup is what a complaint of one category must say before it can be
// acted on (issue 12: "a vague complaint gets one targeted follow-up
// question"): groups of phrases (policy.Phrase syntax), each group naming
// one thing — the amount on a bill, the usual use, the colour or smell,
// since when. A complaint whose details miss a group is asked the
// category's question (text followup_<category>) once, and the answer is
// added to the details (policy 4.1.4 详细的投诉内容).
type Followup struct {
	Needs  [][]policy.Phrase
	Unless []policy.Phrase // the question does not fit a complaint that says one of these
}

// followupSpec is a followups entry of configs/dialog.yaml.
type followupSpec struct {
	Needs  [][]string `yaml:"needs"`
	Unless []string   `yaml:"unless"`
}

// compileFollowups compiles the followups section; every category named
// needs its question text.
func compileFollowups(specs map[string]followupSpec, has func(string) bool) (map[string]Followup, error) {
	out := make(map[string]Followup, len(specs))
	keys := make([]string, 0, len(specs))
	for k := range specs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, cat := range keys {
		if !has(followupKey(cat)) {
			return nil, fmt.Errorf("followups.%s: texts.%s is missing", cat, followupKey(cat))
		}
		var f Followup
		for j, w := range specs[cat].Unless {
			ph, err := policy.ParsePhrase(w)
			if err != nil {
				return nil, fmt.Errorf("followups.%s.unless[%d]: %w", cat, j, err)
			}
			f.Unless = append(f.Unless, ph)
		}
		for i, group := range specs[cat].Needs {
			var g []policy.Phrase
			for j, w := range group {
				ph, err := policy.ParsePhrase(w)
				if err != nil {
					return nil, fmt.Errorf("followups.%s.needs[%d][%d]: %w", cat, i, j, err)
				}
				g = append(g, ph)
			}
			if len(g) == 0 {
				return nil, fmt.Errorf("followups.%s.needs[%d]: empty", cat, i)
			}
			f.Needs = append(f.Needs, g)
		}
		out[cat] = f
	}
	return out, nil
}

func followupKey(category string) string { return "followup_" + category }

// vague reports whether details miss one of the things f needs.
func (f Followup) vague(details string) bool {
	if slices.ContainsFunc(f.Unless, func(p policy.Phrase) bool { return p.In(details) }) {
		return false
	}
	for _, group := range f.Needs {
		if !slices.ContainsFunc(group, func(p policy.Phrase) bool { return p.In(details) }) {
			return true
		}
	}
	return false
}
