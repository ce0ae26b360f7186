package dialog

import (
	"strconv"
	"strings"

	"tapline/bot/policy"
	"tapline/models"
)

// found is what a message already says.
type found struct {
	Category, Name, Address, Phone, Details, Expect string
	Place                                           string // a place mentioned, too vague for an address
	CategoryWhy                                     string // the words that decided Category

	runes          []rune // the normalised message without the phone number
	nameAt, addrAt [2]int // rune spans of the name and the address found
}

// expectMarkers introduce the outcome a resident expects (policy 4.2.4).
var expectMarkers = []string{"希望", "要求", "请尽快", "尽快", "请你们", "请求", "诉求", "期望", "务必", "赶紧", "赶快",
	"麻烦尽快", "麻烦你们", "麻烦派", "快点派", "马上派"}

// labels are words left over once a slot's value is taken out of a clause.
var labels = []string{"联系电话", "电话号码", "手机号码", "手机号", "联系方式", "电话", "手机", "号码", "我的", "地址",
	"住址", "家住在", "家住", "我家在", "我家住", "我家", "住在", "住", "在", "我叫", "姓名", "名字", "是", "我"}

// mine reads a message for everything it already says: category, phone,
// name, address, expectation and, from what is left, the details.
func mine(p *policy.Policy, text string) found {
	t := caseNoRe.ReplaceAllString(normalize(text), "，")
	f := found{}
	f.Category, f.CategoryWhy = classify(p, t)
	if ph, ok := findPhone(t, false); ok {
		f.Phone = ph.Value
		t = t[:ph.Start] + string(blankRune) + t[ph.End:]
	}
	f.runes = []rune(t)
	if s, e, n, ok := findName(f.runes); ok {
		f.Name, f.nameAt = n, [2]int{s, e}
	}
	noName := f.blank(true, false)
	// An address given as one ("地址是枫林苑小区南门") is taken as written;
	// one mentioned in passing without a number ("我们幸福小区这几天…") is
	// too vague to file (policy 4.1.4): it stays in the details and the
	// dialog asks for the full address.
	if s, e, ok := ledAddress(noName); ok {
		f.Address, f.addrAt = models.CutRunes(string(noName[s:e]), MaxAddress), [2]int{s, e}
	} else if s, e, ok := findAddress(noName); ok && (hasDigit(string(noName[s:e])) || isIntersection(string(noName[s:e]))) {
		f.Address, f.addrAt = models.CutRunes(string(noName[s:e]), MaxAddress), [2]int{s, e}
	} else if s, e, ok := placeClauses(p, noName); ok {
		f.Address, f.addrAt = models.CutRunes(string(noName[s:e]), MaxAddress), [2]int{s, e}
	} else if s, e, _ := findAddress(noName); e > s {
		f.Place = models.CutRunes(string(noName[s:e]), MaxAddress) // "我家住在凤起路上": where, if no more is known
		if containsAny(t, noNumber) {                              // "具体门牌我也说不清": asking again would not help
			f.Address = models.CutRunes(f.Place, MaxAddress-len([]rune(uncheckedPlace))) + uncheckedPlace
		}
	}
	f.Details, f.Expect = details(f.blank(true, true))
	if isNegative(t) || noneExp[compact(t)] {
		f.Details = "" // "不知道" describes nothing
	}
	return f
}

// noNumber say the resident cannot give a house number.
var noNumber = []string{"门牌我也说不清", "门牌说不清", "门牌号说不清", "没有门牌", "不知道门牌", "门牌号不知道", "门牌不清楚",
	"说不清几号", "不知道几号", "没门牌"}

// blank returns the message with the name and/or address spans replaced
// by blankRune, keeping rune positions.
func (f *found) blank(name, addr bool) []rune {
	r := append([]rune(nil), f.runes...)
	cut := func(s [2]int) {
		for i := s[0]; i < s[1]; i++ {
			r[i] = blankRune
		}
	}
	if name {
		cut(f.nameAt)
	}
	if addr {
		cut(f.addrAt)
	}
	return r
}

// rest returns the message without the phone, name and address found.
func (f *found) rest() string { return unblank(f.blank(true, true)) }

// restKeepAddress returns the message without the phone and name found.
func (f *found) restKeepAddress() string { return unblank(f.blank(true, false)) }

// blankRune stands for a span taken out of a message.
const blankRune = '\x00'

// unblank turns blanked spans into commas and trims.
func unblank(r []rune) string {
	return strings.Trim(strings.ReplaceAll(string(r), string(blankRune), "，"), "， ")
}

// details splits what is left of a message into the expectation clauses
// and the description, which keeps the resident's own wording and
// punctuation; clauses that were only labels ("电话", "住") or greetings
// are dropped.
func details(r []rune) (details, expect string) {
	var b strings.Builder
	inExpect := false // an expectation goes on to the end of its sentence over clauses that ask for something
	for _, sg := range segments(string(r)) {
		c, sep := sg[0], strings.ReplaceAll(sg[1], string(blankRune), "")
		if e := expectation(c); e != "" {
			expect = joinNonEmpty(expect, e)
			inExpect = !strings.ContainsAny(sg[1], "。.！!？?\n"+string(blankRune))
			continue
		}
		if inExpect && hasDemand(c) {
			expect += "，" + c
			inExpect = !strings.ContainsAny(sg[1], "。.！!？?\n"+string(blankRune))
			continue
		}
		inExpect = false
		if meaningful(c) > 0 && meaningful(stripFillers(stripLabels(c))) == 0 {
			continue
		}
		if sep == "" && sg[1] != "" {
			sep = "，"
		}
		b.WriteString(c + sep)
	}
	d := strings.TrimFunc(b.String(), func(r rune) bool { return isPause(r) || r == blankRune })
	if meaningful(stripFillers(d)) < 3 {
		return "", expect
	}
	return models.CutRunes(d, MaxDetails), expect
}

// segments splits s into clauses, each with the run of separators after it.
func segments(s string) [][2]string {
	var out [][2]string
	var clause, sep strings.Builder
	for _, r := range s {
		if isPause(r) || r == blankRune {
			sep.WriteRune(r)
			continue
		}
		if sep.Len() > 0 {
			out = append(out, [2]string{clause.String(), sep.String()})
			clause.Reset()
			sep.Reset()
		}
		clause.WriteRune(r)
	}
	return append(out, [2]string{clause.String(), sep.String()})
}

// expectation returns the clause from its first expectation marker on,
// when the marker is followed by something ("麻烦尽快派人来修一下"; not
// "不符合要求").
func expectation(c string) string {
	at := -1
	for _, m := range expectMarkers {
		if i := strings.Index(c, m); i >= 0 && meaningful(c[i+len(m):]) >= 2 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return ""
	}
	return strings.TrimRight(c[at:], "吧啊呀哈")
}

func stripLabels(c string) string {
	for _, l := range labels {
		c = strings.ReplaceAll(c, l, "")
	}
	return c
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "，" + b
}

// classify returns the category the text is about (policy.Classify) and
// the words that decided it; "" when none.
func classify(p *policy.Policy, t string) (key, why string) {
	key, words := p.Classify(t)
	return key, strings.Join(words, "、")
}

var cnNumbers = map[string]int{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
	"十": 10, "十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15}

// menuNumber reads a menu choice: "3", "３", "第3个", "三", "3号".
func menuNumber(t string) int {
	c := compact(t)
	c = strings.TrimPrefix(c, "第")
	c = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(c, "个"), "项"), "号")
	if n, err := strconv.Atoi(c); err == nil {
		return n
	}
	return cnNumbers[c]
}

// menuCategory reads an answer to the category menu: its number, its name
// (or a part of a name like "停水" of "水压/停水"); "" otherwise.
func menuCategory(p *policy.Policy, t string) string {
	if n := menuNumber(t); n >= 1 && n <= len(p.Categories) {
		return p.Categories[n-1].Key
	}
	c := compact(t)
	for _, cat := range p.Categories {
		for _, part := range append(strings.Split(cat.Name, "/"), cat.Name) {
			if pc := compact(part); pc != "" && (c == pc || c == pc+"问题" || c == pc+"投诉") {
				return cat.Key
			}
		}
	}
	return ""
}
