package models

import (
	"strings"
	"time"
)

// CST is the zone people read times in (China Standard Time, UTC+8, no
// daylight saving): the one declaration every surface uses.
var CST = time.FixedZone("CST", 8*60*60)

// Ellipsis shortens s, trimmed, to n runes and marks the cut with "…": a
// text shown in a list, a card or a reply.
func Ellipsis(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// CutRunes bounds s to n runes without a mark: a value stored in a column
// of that size.
func CutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
