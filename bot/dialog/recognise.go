package dialog

import (
	"regexp"
	"slices"
	"strings"
	"text/template/parse"
)

// pattern is one text key compiled for recognition: the template's literal
// text kept, everything it fills in (fields, ifs, ranges) matching any run.
type pattern struct {
	key     string
	re      *regexp.Regexp
	literal int // runes of literal text: how specific a match is
}

// compilePattern turns the template of key into an anchored pattern.
func compilePattern(key string, tree *parse.Tree) pattern {
	var b strings.Builder
	lit := 0
	for _, n := range tree.Root.Nodes {
		if t, ok := n.(*parse.TextNode); ok {
			b.WriteString(regexp.QuoteMeta(string(t.Text)))
			lit += len([]rune(strings.TrimSpace(string(t.Text))))
			continue
		}
		b.WriteString(`(?s:.*?)`)
	}
	src := strings.TrimSpace(b.String())
	return pattern{key: key, re: regexp.MustCompile(`^(?s:` + src + `)$`), literal: lit}
}

// Recognise returns the text keys a reply of the dialog is made of, in
// order ("emergency", "filed_emergency", "ask_address"), so that tests and
// the simulator follow the dialog by what it asks, not by its wording. A
// reply is its texts joined by blank lines (Engine.render); a part no key
// explains is returned as "?".
func (t *Texts) Recognise(reply string) []string {
	parts := strings.Split(strings.TrimSpace(reply), "\n\n")
	if reply == "" {
		return nil
	}
	n := len(parts)
	// best[i] is the best reading of parts[i:]: its score and keys.
	type reading struct {
		score int
		keys  []string
	}
	best := make([]reading, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = reading{score: best[i+1].score - 1000, keys: append([]string{"?"}, best[i+1].keys...)}
		for j := i + 1; j <= n; j++ {
			chunk := strings.Join(parts[i:j], "\n\n")
			for _, p := range t.patterns {
				if p.literal == 0 || !p.re.MatchString(chunk) {
					continue
				}
				if s := best[j].score + p.literal; s > best[i].score {
					best[i] = reading{score: s, keys: append([]string{p.key}, best[j].keys...)}
				}
			}
		}
	}
	return best[0].keys
}

// compilePatterns compiles every text for Recognise, in key order so that
// equal scores resolve the same way every time.
func (t *Texts) compilePatterns() {
	keys := make([]string, 0, len(t.tmpl))
	for k := range t.tmpl {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	t.patterns = make([]pattern, 0, len(keys))
	for _, k := range keys {
		t.patterns = append(t.patterns, compilePattern(k, t.tmpl[k].Tree))
	}
}
