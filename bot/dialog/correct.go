package dialog

import (
	"regexp"
	"strings"
)

var (
	wrongWords   = `(?:写错了|填错了|打错了|说错了|输错了|搞错了|弄错了|记错了|错了|不对|有误|写错|打错|说错|错误|要改|改一下|需要改|需要修改|要修改|不对了)`
	correctionRe = regexp.MustCompile(`^(?:我的)?(` + aliasAlt() + `)` + wrongWords + `(.*)$`)
	changeRe     = regexp.MustCompile(`^(?:改|修改|更正|更改|重填|重新填|换)(?:一下)?(?:我的)?(` + aliasAlt() + `)(?:为|成|是|:)?(.*)$`)
	setRe        = regexp.MustCompile(`^(?:我的)?(` + aliasAlt() + `)(?:应该是|改成|改为|换成|更正为|更改为|是|为|:)(.+)$`)
	// notXisYRe: "不是3栋是5栋", "不是水表坏了，是管子漏水".
	notXisYRe = regexp.MustCompile(`^不是(.+?)[，,\s]*(?:而|应该)?是(.+)$`)
	// bareFixRe: "不对，是万家花园18幢", "错了，应该是13912345678".
	bareFixRe = regexp.MustCompile(`^(?:不对|错了|说错了|打错了|写错了|搞错了|不是)[，,。\s]*(?:应该|应当)?(?:是|为)(.+)$`)
)

func aliasAlt() string {
	var alts []string
	for _, a := range slotAliases {
		alts = append(alts, a.words...)
	}
	return strings.Join(alts, "|")
}

func aliasSlot(w string) State {
	for _, a := range slotAliases {
		for _, x := range a.words {
			if x == w {
				return a.slot
			}
		}
	}
	return ""
}

// correction recognises "地址写错了", "改电话", "电话改成139…" and
// "电话打错了，应该是139…": the slot, and the new value when one was given.
func correction(t string) (slot State, value string, ok bool) {
	t = strings.Trim(t, " ，,。.!！")
	for _, re := range []*regexp.Regexp{correctionRe, changeRe, setRe} {
		if m := re.FindStringSubmatch(t); m != nil {
			v := strings.TrimLeft(m[2], " ，,。.:：")
			for _, p := range []string{"应该是", "应该为", "改成", "改为", "正确的是", "是", "为"} {
				v = strings.TrimPrefix(v, p)
			}
			return aliasSlot(m[1]), strings.TrimSpace(v), true
		}
	}
	return "", "", false
}

// firstSentence splits t after its first sentence (。！？；, a line).
func firstSentence(t string) (first, rest string) {
	if i := strings.IndexAny(t, "。！？；!?;\n"); i >= 0 {
		_, size := firstRune(t[i:])
		return strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+size:])
	}
	return t, ""
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// corrections applies a correction at the start of a message ("电话打错
// 了，是…", "不是3栋是5栋", "不对，是万家花园18幢"); the rest of the
// message, if any, answers the open question. It reports whether the
// message began with one.
func (st *stepper) corrections(t string) bool {
	first, rest := firstSentence(t)
	first = strings.TrimLeft(trimPolite(first), " ，,")
	fixing := st.correctOne(first)
	if fixing == "" {
		return false
	}
	switch {
	case fixing != stateFixed: // the value is asked next
	case rest != "" && meaningful(rest) > 0:
		st.byState(rest, compact(rest))
	case st.s.State == StateOffer:
		st.prompt()
	default:
		st.advance()
	}
	return true
}

// politeLeads open a correction without changing it ("不好意思不是12号楼是21号楼").
var politeLeads = []string{"不好意思", "对不起", "抱歉", "sorry", "哦", "噢", "啊", "呃", "那个", "刚才", "我刚才"}

func trimPolite(t string) string {
	for {
		w := prefixAny(t, politeLeads)
		if w == "" {
			return t
		}
		t = strings.TrimLeft(t[len(w):], " ，,。")
	}
}

// stateFixed marks a correction applied in full.
const stateFixed State = "fixed"

// correctOne applies one correction. It returns "" when t is none,
// stateFixed when the value was set, and the slot whose value is asked
// otherwise ("地址写错了").
func (st *stepper) correctOne(t string) State {
	if slot, v, ok := correction(t); ok {
		return st.correct(slot, v)
	}
	if m := notXisYRe.FindStringSubmatch(t); m != nil && st.replace(strings.TrimSpace(m[1]), strings.TrimSpace(m[2])) {
		return stateFixed
	}
	if m := bareFixRe.FindStringSubmatch(t); m != nil && st.retype(strings.TrimSpace(m[1])) {
		return stateFixed
	}
	return ""
}

// correct sets slot to v ("电话改成139…"), or asks for the new value when
// none was given ("地址写错了").
func (st *stepper) correct(slot State, v string) State {
	if v == "" {
		st.s.State = slot
		st.askFix(slot)
		return slot
	}
	val, ok := st.answer(slot, v, mine(st.env.Policy, v))
	if !ok {
		st.s.State = slot
		st.sayAbout(reaskKey(slot), slot)
		return slot
	}
	st.setFixed(slot, val)
	return stateFixed
}

// setFixed stores a corrected value and says so, unless the value is the
// answer to the open question.
func (st *stepper) setFixed(slot State, v string) {
	st.s.Draft.set(slot, v)
	delete(st.s.Fails, slot)
	if st.s.State != slot {
		st.sayAbout(keyUpdated, slot)
	}
}

// replace applies "不是X是Y": X is replaced by Y in the address, name or
// phone that holds it; "不是水表坏了，是管子漏水" corrects the category.
func (st *stepper) replace(x, y string) bool {
	d := &st.s.Draft
	if x == "" || y == "" {
		return false
	}
	for _, slot := range []State{StateAddress, StateName, StatePhone} {
		if v := d.value(slot); v != "" && strings.Contains(v, x) {
			st.setFixed(slot, strings.Replace(v, x, y, 1))
			return true
		}
	}
	if k, why := classify(st.env.Policy, y); k != "" {
		if k != d.Category {
			d.Category, d.CategoryWhy = k, why
			st.sayAbout(keyUpdated, StateCategory)
		} else {
			st.sayAbout(keyUpdated, StateDetails) // the same kind of problem, said more precisely
		}
		d.addDetails(y)
		return true
	}
	return st.retype(y)
}

// retype applies "不对，是Y": Y goes where a value of its kind belongs — a
// phone number, an address, or the name being asked.
func (st *stepper) retype(y string) bool {
	f := mine(st.env.Policy, y)
	switch {
	case f.Phone != "":
		st.setFixed(StatePhone, f.Phone)
	case f.Address != "":
		st.setFixed(StateAddress, f.Address)
	default:
		if a, ok := parseAddress(y); ok {
			st.setFixed(StateAddress, a)
		} else if n, ok := parseName(y); ok && st.s.State == StateName {
			st.setFixed(StateName, n)
		} else {
			return false
		}
	}
	return true
}
