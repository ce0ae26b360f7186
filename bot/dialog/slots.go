package dialog

import (
	"strings"

	"tapline/models"
)

// describe takes the first description: everything it says fills the
// empty slots (PRODUCT A2, free text first); several complaints in it are
// filed one after the other.
func (st *stepper) describe(t string) {
	f := mine(st.env.Policy, t)
	if f.Details == "" && f.Category != "" {
		f.Details = strings.Trim(f.rest(), " ，,。.!！") // "水质有问题": short, but it says what
	}
	if !describes(st.env.Policy, f.Details) {
		f.Details = "" // a bare question or urge ("什么时候给个答复") describes nothing yet
	}
	f = st.several(f)
	if st.absorb(f, "", true) == 0 && !st.fired {
		st.fail(StateDescribe)
		return
	}
	st.advance()
}

// category reads the menu answer: a number, a name or free words. An
// answer that says other things (a name, an address) is kept and the menu
// asked again without counting a failure; after the third failure the
// complaint goes to "其他", which the hotline forwards (policy 3.1).
func (st *stepper) category(t string) {
	d := &st.s.Draft
	n := 0
	if k := menuCategory(st.env.Policy, t); k != "" {
		d.Category, d.CategoryWhy = k, menuChoice
	} else {
		n = st.absorb(mine(st.env.Policy, t), "", true)
	}
	switch {
	case d.Category != "":
		delete(st.s.Fails, StateCategory)
	case n > 0:
		st.sayAbout(reaskKey(StateCategory), StateCategory)
		return
	case st.s.Fails[StateCategory] >= 2 && st.env.Policy.Category(otherCategory) != nil:
		d.Category, d.CategoryWhy = otherCategory, "居民未能归类"
		st.say(keyCategoryOther)
	default:
		st.fail(StateCategory)
		return
	}
	st.advance()
}

// menuChoice is the CategoryWhy of a category picked from the menu.
const menuChoice = "居民在菜单中选择"

// slot reads the answer to a slot question; whatever else the answer says
// fills other empty slots, and complaint content joins the details. An
// answer that says nothing usable is re-asked.
func (st *stepper) slot(slot State, t string) {
	f := mine(st.env.Policy, t)
	if v, ok := st.answer(slot, t, f); ok {
		st.s.Draft.set(slot, v)
		delete(st.s.Fails, slot)
		if f.Name == "" && slot != StateName {
			f.Name = bareName(f, slot) // "张三 13812345678"
		}
		st.absorb(f, slot, false)
		st.moreDetails(f, slot)
		st.advance()
		return
	}
	if (slot == StateName && st.noName(t)) || (slot == StateAddress && st.takePlace(t, f)) {
		return
	}
	if st.absorb(f, slot, false) > 0 {
		st.moreDetails(f, slot)
		st.advance()
		return
	}
	if a := f.Address; a != "" && slot != StateAddress && a != st.s.Draft.Address && strings.HasPrefix(a, st.s.Draft.Address) {
		st.s.Draft.Address = a // "人民路" then "人民路100号": a more precise address
		st.sayAbout(keyUpdated, StateAddress)
		st.prompt()
		return
	}
	st.fail(slot)
}

// bareName returns a name given bare beside the answer to another
// question ("张三 13812345678"): two or three characters on their own.
func bareName(f found, answered State) string {
	rest := f.rest()
	if answered == StateAddress {
		rest = "" // what is left of an address answer is part of the address
	}
	if r := []rune(rest); len(r) < 2 || len(r) > 3 || hanCount(r) != len(r) {
		return ""
	}
	n, _ := validName(rest)
	return n
}

// followup takes the answer to the category's follow-up question: it
// joins the details, whatever it says; the question is never asked twice.
func (st *stepper) followup(t string) {
	f := mine(st.env.Policy, t)
	d := &st.s.Draft
	d.FollowedUp = true
	st.absorb(f, StateDetails, false)
	if v := f.Details; v != "" {
		d.addDetails(v)
	} else if r := strings.Trim(f.rest(), " ，,。."); meaningful(r) >= 2 && !isNegative(r) {
		d.addDetails(models.CutRunes(r, MaxDetails))
	}
	st.advance()
}

// moreDetails adds what an answer to a contact question says about the
// problem ("幸福路12号，水已经黄了三天了") to the details: content lost
// is a misquote too (policy 4.1.4).
func (st *stepper) moreDetails(f found, answered State) {
	d := &st.s.Draft
	if (answered != StateName && answered != StateAddress && answered != StatePhone && answered != StateCategory) ||
		f.Details == "" || d.Details == "" {
		return
	}
	if k, _ := classify(st.env.Policy, f.Details); k != "" && meaningful(f.Details) >= MinDetails {
		d.addDetails(f.Details)
	}
}

// addDetails appends v to the details unless they already say it.
func (d *Draft) addDetails(v string) {
	v = strings.Trim(v, " ，,")
	switch {
	case v == "" || strings.Contains(d.Details, v):
	case d.Details == "" || strings.Contains(v, d.Details):
		d.set(StateDetails, v)
	default:
		d.set(StateDetails, strings.TrimRight(d.Details, "。.；;，, ")+"；"+v)
	}
}

// noName handles an answer to the name question that is no name: a
// refusal is answered once with why a name is asked (policy 4.1.4), a
// second refusal — or a third answer that is no name — records NoName and
// the complaint goes on.
func (st *stepper) noName(t string) bool {
	fails := st.s.Fails[StateName]
	switch {
	case isRefusal(t) && fails == 0:
		st.s.Fails[StateName]++
		st.say(keyNameWhy)
		return true
	case isRefusal(t) || fails >= 2:
		st.s.Draft.Name = NoName
		delete(st.s.Fails, StateName)
		st.advance()
		return true
	}
	return false
}

// takePlace takes, after two re-asks, whatever the resident can say of
// where it is, marked for the crew to confirm: the dialog must end. A
// resident who says they said it already ("刚才说过了") or can say no more
// gets the place they mentioned before ("凤起路上").
func (st *stepper) takePlace(t string, f found) bool {
	a := placeAnswer(f.restKeepAddress())
	place := st.s.Draft.Place
	switch {
	case place != "" && (isNegative(a) || containsAny(a, []string{"说不清", "不清楚", "不知道", "说过"})):
		a = place
	case st.s.Fails[StateAddress] < 2 || meaningful(a) < 2 || isNegative(a):
		return false
	}
	st.s.Draft.set(StateAddress, models.CutRunes(a, MaxAddress-len([]rune(uncheckedPlace)))+uncheckedPlace)
	delete(st.s.Fails, StateAddress)
	st.say(keyAddressTaken)
	st.advance()
	return true
}

// answer validates text as the value of slot.
func (st *stepper) answer(slot State, t string, f found) (string, bool) {
	switch slot {
	case StateCategory:
		if k := menuCategory(st.env.Policy, t); k != "" {
			return k, true
		}
		return f.Category, f.Category != ""
	case StateName:
		if f.Name != "" {
			return f.Name, true
		}
		return parseName(f.rest())
	case StateAddress:
		if a, ok := parseAddress(f.restKeepAddress()); ok {
			return a, true
		}
		return f.Address, f.Address != ""
	case StatePhone:
		if f.Phone != "" {
			return f.Phone, true
		}
		return parsePhone(t)
	case StateDetails:
		if describes(st.env.Policy, f.Details) {
			return f.Details, f.Details != ""
		}
		return "", false
	case StateExpectation:
		return expectationAnswer(t, f)
	}
	return "", false
}

// expectationAnswer reads the outcome the resident expects (policy 4.2.4),
// whole and in their words: the answer less the contact details it also
// gave; "没有", "无", "你们看着办" mean none.
func expectationAnswer(t string, f found) (string, bool) {
	c := compact(t)
	rest := strings.Trim(f.rest(), " ，,。.!！~～")
	switch {
	case noneExp[c] || (noExpectation(rest) && !hasDemand(withoutNone(rest))):
		return NoExpectation, true
	case meaningful(rest) >= 2 && !nonNames[compact(rest)] && !isNegative(rest) && !confirmWords[compact(rest)]:
		return models.CutRunes(rest, MaxExpectation), true
	case f.Expect != "":
		return f.Expect, true
	}
	return "", false
}

// absorb fills the empty slots (other than except) from what the message
// says, details only when withDetails; it returns how many it filled.
func (st *stepper) absorb(f found, except State, withDetails bool) int {
	d := &st.s.Draft
	n := 0
	fill := func(slot State, v string) {
		if v != "" && slot != except && d.value(slot) == "" {
			d.set(slot, v)
			n++
		}
	}
	if f.Category != "" && except != StateCategory && d.Category == "" {
		d.CategoryWhy = f.CategoryWhy
	}
	fill(StateCategory, f.Category)
	fill(StateName, f.Name)
	fill(StateAddress, f.Address)
	fill(StatePhone, f.Phone)
	fill(StateExpectation, f.Expect)
	if f.Place != "" && d.Place == "" {
		d.Place = f.Place
	}
	if withDetails {
		fill(StateDetails, f.Details)
	}
	return n
}

// fail re-asks a state politely and specifically; after two failed
// re-asks it offers the menu and a human as well (PRODUCT A2).
func (st *stepper) fail(s State) {
	st.s.Fails[s]++
	st.sayAbout(reaskKey(s), s)
	if st.s.Fails[s] > 2 {
		st.sayAbout(keyGiveUp, s)
	}
}
