package dialog

import (
	"strings"
	"unicode"
)

// normalize folds full-width digits, letters, space and the few ASCII
// symbols residents type in full width (＋－＃：（）) to half width, drops
// zero-width, bidirectional (RLO, LRI …) and control characters (line
// breaks aside) and trims. Chinese punctuation （，。？！） is kept.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			b.WriteRune(r - 0xFEE0)
		case r == '＋' || r == '－' || r == '＃' || r == '：' || r == '（' || r == '）':
			b.WriteRune(r - 0xFEE0)
		case r == '\u3000' || r == '\u00a0' || r == '\t':
			b.WriteByte(' ')
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || isBidi(r):
			// issue 13 item 10: a text stored or shown must not reorder itself
		case unicode.IsControl(r) && r != '\n' && r != '\r':
			// NUL, BEL, ESC …: never part of an answer, and NUL is
			// blankRune inside mine (found by FuzzAnswers and FuzzStep).
		case r == '—' || r == '–' || r == '−':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(spokenDigits(b.String()))
}

// spokenDigitRunes are the digits as voice input and some residents write
// them ("一三九一二三四五六七八", 幺 for 1).
const spokenDigitRunes = "零〇一二三四五六七八九幺"

// spokenDigits turns a run of at least seven spoken digits (spaces and
// dashes between them allowed) into ASCII digits: a phone number written
// out, never "七十八号" (十 is no digit) or a word like "一二".
func spokenDigits(s string) string {
	if !strings.ContainsAny(s, spokenDigitRunes) {
		return s
	}
	r := []rune(s)
	for i := 0; i < len(r); i++ {
		if !strings.ContainsRune(spokenDigitRunes, r[i]) {
			continue
		}
		j, n := i, 0
		for j < len(r) && (strings.ContainsRune(spokenDigitRunes, r[j]) || ((r[j] == ' ' || r[j] == '-') && j+1 < len(r) && strings.ContainsRune(spokenDigitRunes, r[j+1]))) {
			if r[j] != ' ' && r[j] != '-' {
				n++
			}
			j++
		}
		if n >= 7 {
			for k := i; k < j; k++ {
				if v, ok := spokenDigitValue[r[k]]; ok {
					r[k] = '0' + v
				}
			}
		}
		i = j
	}
	return string(r)
}

var spokenDigitValue = map[rune]rune{'零': 0, '〇': 0, '幺': 1, '一': 1, '二': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// isBidi reports whether r is a bidirectional formatting character
// (LRM, RLM, ALM, LRE…RLO, LRI…PDI).
func isBidi(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// meaningful counts letters and digits (Han included), ignoring
// punctuation, spaces and emoji.
func meaningful(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// compact strips everything but letters and digits, lower-cased: the form
// in which short commands are compared ("确认！" → "确认", "OK" → "ok").
func compact(s string) string {
	var b strings.Builder
	for _, r := range normalize(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isPause reports whether r separates clauses.
func isPause(r rune) bool {
	return strings.ContainsRune("，,。.！!？?；;、\n\r ~～…", r)
}

// clauses splits s at punctuation and spaces, dropping empty pieces.
func clauses(s string) []string {
	return strings.FieldsFunc(s, isPause)
}

// fillers are words that carry no complaint content.
var fillers = []string{"你好", "您好", "你们好", "在吗", "在不在", "有人吗", "请问", "麻烦", "谢谢", "我要投诉",
	"我想投诉", "我要反映", "我想反映", "反映一下", "投诉一下", "反映个问题", "投诉", "反映", "一下", "喂",
	"有个问题", "有问题", "问题", "hello", "hi", "啊", "呀", "吧", "哦", "嗯", "呢", "想", "要", "我"}

// stripFillers removes filler words from s.
func stripFillers(s string) string {
	low := strings.ToLower(s)
	for _, f := range fillers {
		low = strings.ReplaceAll(low, f, "")
	}
	return low
}

// greetings are whole messages that say hello and nothing else.
var greetings = map[string]bool{"你好": true, "您好": true, "在吗": true, "在不在": true, "有人吗": true,
	"hello": true, "hi": true, "喂": true, "你好在吗": true, "您好在吗": true, "哈喽": true, "嗨": true,
	"我要投诉": true, "我想投诉": true, "投诉": true, "我要反映问题": true, "我想反映问题": true, "反映问题": true,
	"我要反映": true, "我想反映": true}

// isGreeting reports whether the message only says hello or "I want to
// complain" ("你好，我想投诉一下").
func isGreeting(s string) bool {
	c := compact(s)
	return greetings[c] || (c != "" && meaningful(stripFillers(c)) == 0)
}
