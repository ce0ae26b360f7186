package casework

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Command is a parsed staff command or card click.
type Command struct {
	Action  string // an Act… constant; "" when not understood
	Number  string // case number, "" when omitted
	Version int    // measure version named by approve/reject (v2, 第2版); 0 = not named
	Text    string // note, question, reason, measures; for transfer "<部门> <理由>"
	Button  bool   // came from a card button
	// Private marks a command sent in a 1:1 chat, where the case's own
	// people may read the resident's contact in full.
	Private bool
	// ResponseCode is the WeCom response_code of the clicked app card: once
	// the action is applied, the card is updated for every recipient.
	ResponseCode string
}

// keyword maps a command word to its action.
type keyword struct {
	word   string
	action string
}

// sortKeywords orders command words longest first, so that 不同意 wins
// over 同意 and 居民不接受 over 居民接受 (keywords, derived from specs).
func sortKeywords(ks []keyword) []keyword {
	slices.SortStableFunc(ks, func(a, b keyword) int {
		return utf8.RuneCountInString(b.word) - utf8.RuneCountInString(a.word)
	})
	return ks
}

var (
	numberRe = regexp.MustCompile(`(?i)TS\d{8}-\d{3,6}`)
	keyNumRe = regexp.MustCompile(`(?i)^TS\d{8}-\d{3,6}$`) // a button key holds the whole number
	// leadNumRe is a case number at the start: anchored, so that testing
	// each of many mentions does not scan the whole message (FuzzParse).
	leadNumRe = regexp.MustCompile(`(?i)^TS\d{8}-\d{3,6}`)
	versionRe = regexp.MustCompile(`(?i)(?:^|[\s,:，：])(?:v(\d+)|第(\d+)版)(?:$|[\s,:，：。])`)
	spaceRe   = regexp.MustCompile(`\s+`)
)

// Normalize folds full-width letters, digits, '@', '-' and the
// ideographic space to ASCII, collapses spaces and trims. Chinese
// punctuation (，：。) stays: it is part of texts shown to people.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case foldable(r):
			r -= 0xfee0
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(spaceRe.ReplaceAllString(b.String(), " "))
}

// Parse reads a staff text command: an optional leading @-mention, an
// optional case number, the command word, then the number and the text in
// any order. Unknown text gives Action "".
func Parse(text string) Command {
	s := stripMention(Normalize(text))
	var cmd Command
	if loc := leadNumRe.FindStringIndex(s); loc != nil { // "TS… 接单"
		cmd.Number = strings.ToUpper(s[:loc[1]])
		s = strings.TrimLeft(s[loc[1]:], separators)
	}
	kw, ok := matchKeyword(s)
	if !ok {
		return Command{}
	}
	cmd.Action = kw.action
	rest := strings.TrimLeft(s[len(kw.word):], separators)
	if cmd.Number == "" {
		if loc := numberRe.FindStringIndex(rest); loc != nil {
			cmd.Number = strings.ToUpper(rest[loc[0]:loc[1]])
			rest = strings.TrimSpace(rest[:loc[0]] + " " + rest[loc[1]:])
		}
	}
	if cmd.Action == ActApprove || cmd.Action == ActReject {
		cmd.Version, rest = takeVersion(rest)
	}
	cmd.Text = strings.TrimSpace(strings.TrimLeft(rest, separators))
	return cmd
}

// matchKeyword finds the command word s starts with (ASCII words in any
// case). Only the prefix is compared: lower-casing all of s here made
// stripMention quadratic in the message length (found by FuzzParse).
func matchKeyword(s string) (keyword, bool) {
	for _, k := range keywords {
		if len(s) >= len(k.word) && strings.EqualFold(s[:len(k.word)], k.word) {
			return k, true
		}
	}
	return keyword{}, false
}

// stripMention removes leading @-mentions ("@水务助手 接单"); a mention
// glued to the command ("@水务助手接单") is cut where a command word starts.
func stripMention(s string) string {
	for strings.HasPrefix(s, "@") {
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		rest := strings.TrimSpace(s[end:])
		if !startsCommand(rest) && !strings.HasPrefix(rest, "@") {
			if cut := gluedCommand(s[1:end]); cut >= 0 {
				return s[1+cut:]
			}
		}
		s = rest
	}
	return s
}

// startsCommand reports whether s begins with a command word, or a case
// number and a command word.
func startsCommand(s string) bool {
	if _, ok := matchKeyword(s); ok {
		return true
	}
	loc := leadNumRe.FindStringIndex(s)
	if loc == nil {
		return false
	}
	_, ok := matchKeyword(strings.TrimLeft(s[loc[1]:], separators))
	return ok
}

// gluedCommand returns where a command word starts inside a mention token
// (after at least one rune of the name), or -1.
func gluedCommand(tok string) int {
	for i := range tok {
		if i == 0 {
			continue
		}
		if _, ok := matchKeyword(tok[i:]); ok {
			return i
		}
	}
	return -1
}

// takeVersion removes a measure version ("v2", "第2版") from s.
func takeVersion(s string) (int, string) {
	m := versionRe.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, s
	}
	var digits string
	if m[2] >= 0 {
		digits = s[m[2]:m[3]]
	} else {
		digits = s[m[4]:m[5]]
	}
	v, _ := strconv.Atoi(digits)
	return v, strings.TrimSpace(s[:m[0]] + " " + s[m[1]:])
}

// ParseKey reads a card button key: "<action>:<number>[:v<version>]".
func ParseKey(key string) Command {
	parts := strings.Split(strings.TrimSpace(key), ":")
	if len(parts) < 2 {
		return Command{}
	}
	if _, ok := table[parts[0]]; !ok && parts[0] != ActDetails {
		return Command{}
	}
	if !keyNumRe.MatchString(parts[1]) { // not numberRe: "xxTS…yy" is no number
		return Command{}
	}
	cmd := Command{Action: parts[0], Number: strings.ToUpper(parts[1]), Button: true}
	if len(parts) > 2 {
		v, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(parts[2]), "v"))
		if err != nil || v <= 0 {
			return Command{}
		}
		cmd.Version = v
	}
	return cmd
}

// Key returns the button key of action on case number (and measure
// version when v > 0); ParseKey reads it back.
func Key(action, number string, v int) string {
	k := action + ":" + number
	if v > 0 {
		k += ":v" + strconv.Itoa(v)
	}
	return k
}

// foldable reports full-width runes Normalize folds: letters, digits and
// the signs case numbers and mentions use.
func foldable(r rune) bool {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return true
	}
	return r == '＠' || r == '－'
}

// separators are trimmed between command parts.
const separators = " ,:、，：。;；"
