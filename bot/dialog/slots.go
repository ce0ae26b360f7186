package dialog

import "strings"

// describe takes the first description: everything it says fills the
// empty slots (PRODUCT A2, free text first).
func (st *stepper) describe(t string) {
	f := mine(st.env.Policy, t)
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
		d.Category = k
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
		d.Category = otherCategory
		st.say(keyCategoryOther)
	default:
		st.fail(StateCategory)
		return
	}
	st.advance()
}

// slot reads the answer to a slot question; whatever else the answer says
// fills other empty slots. An answer that says nothing usable is re-asked.
func (st *stepper) slot(slot State, t string) {
	f := mine(st.env.Policy, t)
	if v, ok := st.answer(slot, t, f); ok {
		st.s.Draft.set(slot, v)
		delete(st.s.Fails, slot)
		st.absorb(f, slot, true)
		st.advance()
		return
	}
	if st.absorb(f, slot, false) > 0 {
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
		return f.Details, f.Details != ""
	case StateExpectation:
		return expectationAnswer(t, f)
	}
	return "", false
}

// expectationAnswer reads the outcome the resident expects (policy 4.2.4);
// "没有", "无", "都行" mean none.
func expectationAnswer(t string, f found) (string, bool) {
	c := compact(t)
	switch {
	case noneExp[c]:
		return NoExpectation, true
	case f.Expect != "":
		return f.Expect, true
	case meaningful(t) >= 2 && !nonNames[c] && !isNegative(t) && !confirmWords[c]:
		return truncate(strings.Trim(t, " ，,。."), MaxExpectation), true
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
	fill(StateCategory, f.Category)
	fill(StateName, f.Name)
	fill(StateAddress, f.Address)
	fill(StatePhone, f.Phone)
	fill(StateExpectation, f.Expect)
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

// advance moves to the next missing slot, the offer of last time's
// details, the read-back, or the filing.
func (st *stepper) advance() {
	s, d := st.s, &st.s.Draft
	slot := d.missing()
	switch {
	case slot == "" || (s.Human && d.Phone != ""):
		s.State = StateConfirm
		if s.Human && d.Details == "" {
			d.Details = humanDetails
		}
		switch {
		case st.fired: // the emergency filing files everything known
		case s.Human:
			st.say(keyHumanCallback)
			st.submit()
		case d.Emergency != "":
			st.submit()
		default:
			st.say(askKey(StateConfirm))
		}
	case st.offerDue(slot):
		s.State, s.Offered = StateOffer, true
		st.say(askKey(StateOffer))
	default:
		s.State = slot
		st.say(askKey(slot))
	}
}

// submit asks the engine to file (or to supplement an emergency filing).
func (st *stepper) submit() {
	st.out.Action = ActFile
	if st.s.Draft.Emergency != "" {
		st.out.Action = ActSupplement
	}
	st.say(keyResult)
}

// offerDue reports whether to offer last time's details now: once per
// draft, when a contact slot is next and the resident has one on file.
func (st *stepper) offerDue(slot State) bool {
	s, k, d := st.s, st.s.Known, &st.s.Draft
	if k == nil || s.Offered || (slot != StateName && slot != StateAddress && slot != StatePhone) {
		return false
	}
	return (d.Name == "" && k.Name != "") || (d.Address == "" && k.Address != "") || (d.Phone == "" && k.Phone != "")
}
