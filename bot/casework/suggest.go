package casework

import (
	"fmt"
	"strings"
	"unicode"
)

// Replies to a command that is not understood (issue 14: "did you mean",
// not the whole help).
const (
	txtDidYouMean = "没看懂这条指令。您是不是想：「%s」？例如：%s\n发「帮助」查看全部指令。"
	txtNoGuess    = "没看懂这条指令。发「帮助」查看全部指令，例如：%s"
)

// maxHead bounds the runes of the head compared against command words.
const maxHead = 6

// notUnderstood answers text no command word starts: the nearest command
// the actor could use (by the registry's words), with its example.
func notUnderstood(a Actor, text string) string {
	s := stripMention(Normalize(text))
	number := ""
	if loc := numberRe.FindStringIndex(s); loc != nil {
		number = strings.ToUpper(s[loc[0]:loc[1]])
		s = strings.TrimSpace(s[:loc[0]] + " " + s[loc[1]:])
	}
	if sp, ok := nearest(a, head(s)); ok {
		return fmt.Sprintf(txtDidYouMean, sp.Name(), sp.example(number))
	}
	return fmt.Sprintf(txtNoGuess, specOf(ActTodo).Usage)
}

// head is the start of s that a command word would occupy: up to the
// first space, digit or punctuation, at most maxHead runes.
func head(s string) []rune {
	var out []rune
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsDigit(r) || unicode.IsPunct(r) || len(out) == maxHead {
			break
		}
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// nearest finds the command whose word is closest to h by edit distance,
// among those a's role may use; a guess must keep more than half the word.
func nearest(a Actor, h []rune) (Spec, bool) {
	if len(h) == 0 {
		return Spec{}, false
	}
	var best Spec
	bestD, bestLen, bestName := -1, 0, false
	for _, sp := range specs {
		if !usable(a, sp) {
			continue
		}
		for i, w := range sp.Words {
			wr := []rune(strings.ToLower(w))
			d := prefixDistance(h, wr)
			if !(2*d < len(wr) || (d == 1 && len(wr) == 2 && len(h) >= 2)) {
				continue
			}
			// fewer edits per rune of the word first; at a tie a command's
			// name (代办 → 待办) before a synonym (转办).
			better := bestD < 0 || d*bestLen < bestD*len(wr) ||
				(d*bestLen == bestD*len(wr) && i == 0 && !bestName)
			if better {
				best, bestD, bestLen, bestName = sp, d, len(wr), i == 0
			}
		}
	}
	return best, bestD >= 0
}

// prefixDistance is the least edit distance between w and a start of h
// one rune shorter, as long or one longer than w (the rest of h is the
// command's text).
func prefixDistance(h, w []rune) int {
	d := -1
	for k := max(1, len(w)-1); k <= min(len(h), len(w)+1); k++ {
		if e := editDistance(h[:k], w); d < 0 || e < d {
			d = e
		}
	}
	if d < 0 {
		return editDistance(h, w)
	}
	return d
}

// usable reports whether a could use sp at all: a transition their role
// may ever take, a query (leaders' queries for leaders only).
func usable(a Actor, sp Spec) bool {
	if sp.Rule != nil {
		return roleCanEver(a, sp)
	}
	return !sp.Leaders || a.leads()
}

// editDistance is the Levenshtein distance of two rune strings.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
