package dialog

// advance moves to the next question: the category, the category's
// follow-up when the complaint is too vague to act on, the offer of last
// time's details, the missing slots, the read-back, or the filing. After
// an emergency is filed every answer also goes on the case at once, so the
// crew's card shows the address and the phone as soon as they are known.
func (st *stepper) advance() {
	s, d := st.s, &st.s.Draft
	slot := st.next()
	if d.Number != "" && !st.fired && slot != "" {
		st.out.Action = ActUpdate
		st.say(keyResult)
	}
	switch {
	case slot == "" || (s.Human && d.Phone != ""):
		st.complete()
	case st.offerDue(slot):
		s.State, s.Offered = StateOffer, true
		st.say(askKey(StateOffer))
	case slot == StateFollowup:
		s.State = StateFollowup
		st.say(followupKey(d.Category))
	default:
		s.State = slot
		st.say(askKey(slot))
	}
}

// complete ends the questions: the read-back, or the filing of a call-back
// request or of the rest of an emergency.
func (st *stepper) complete() {
	s, d := st.s, &st.s.Draft
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
		d.FollowedUp = true // after the read-back a corrected category asks nothing more
		st.say(askKey(StateConfirm))
	}
}

// next returns what to ask next, "" when everything is known.
func (st *stepper) next() State {
	d := &st.s.Draft
	if d.Emergency == "" && d.Category == "" {
		if d.Details == "" {
			return StateDescribe // what the problem is, before any menu
		}
		return StateCategory
	}
	if st.followupDue() {
		return StateFollowup
	}
	return d.missing()
}

// followupDue reports whether the category's follow-up question is due:
// once, for an ordinary complaint whose details miss what it needs.
func (st *stepper) followupDue() bool {
	d := &st.s.Draft
	f, ok := st.env.Followups[d.Category]
	said := d.Details
	if !hasDigit(d.Address) { // a place, not a home: "西湖文化广场地铁站C口" says where a leak is
		said += "。" + d.Address
	}
	return ok && !d.FollowedUp && d.Emergency == "" && !st.s.Human && d.Details != "" && f.vague(said)
}

// submit asks the engine to file (or to supplement an emergency filing);
// a further complaint of the same message is started once it is filed.
func (st *stepper) submit() {
	st.out.Action = ActFile
	if st.s.Draft.Emergency != "" {
		st.out.Action = ActSupplement
	}
	st.say(keyResult)
	if len(st.s.Draft.Pending) > 0 && st.out.Action == ActFile {
		st.out.Next, st.out.NextMsgs = st.pending()
	}
}

// pending starts the draft of the next complaint waiting in Pending, with
// the contact details of this one (the resident gave them once).
func (st *stepper) pending() (*Session, []Msg) {
	d := st.s.Draft
	next := &stepper{env: st.env, in: st.in}
	next.s = &Session{ResidentID: st.s.ResidentID, State: StateDescribe, Fails: map[State]int{}, Known: st.s.Known,
		Offered: true, Draft: Draft{Key: st.in.Key, ResidentID: d.ResidentID, Name: d.Name, Address: d.Address,
			Phone: d.Phone, Pending: d.Pending[1:]}}
	f := mine(st.env.Policy, d.Pending[0])
	next.absorb(f, "", true)
	next.s.Draft.set(StateDetails, d.Pending[0])
	next.say(keyAlsoFiling)
	next.advance()
	next.s.UpdatedAt = st.in.Now
	return next.s, next.out.Msgs
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
