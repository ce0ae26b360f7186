package dialog

// offer handles the answer to "继续使用上次的联系方式？": yes fills the
// empty contact slots, no asks them, anything else is the new answer.
func (st *stepper) offer(t, c string) {
	d, k := &st.s.Draft, st.s.Known
	switch {
	case yesWords[c] && k != nil:
		for _, p := range []struct {
			slot State
			v    string
		}{{StateName, k.Name}, {StateAddress, k.Address}, {StatePhone, k.Phone}} {
			if d.value(p.slot) == "" {
				d.set(p.slot, p.v)
			}
		}
		st.advance()
	case noWords[c]:
		st.advance()
	default:
		if slot := d.missing(); slot != "" {
			st.s.State = slot
			st.byState(t, c)
			return
		}
		st.advance()
	}
}

// confirm handles the answer to the read-back.
func (st *stepper) confirm(c string) {
	switch {
	case confirmWords[c]:
		delete(st.s.Fails, StateConfirm)
		st.submit()
	case changeWords[c]:
		st.s.State = StateWhich
		st.say(askKey(StateWhich))
	default:
		st.fail(StateConfirm)
	}
}

// which handles "which item do you want to change?": a number or a name.
func (st *stepper) which(t, c string) {
	var slot State
	if n := menuNumber(t); n >= 1 && n <= len(Slots) {
		slot = Slots[n-1]
	} else {
		slot = aliasSlot(c)
	}
	if slot == "" {
		st.fail(StateWhich)
		return
	}
	delete(st.s.Fails, StateWhich)
	st.s.State = slot
	st.askFix(slot)
}

// askFix asks for the corrected value of a slot.
func (st *stepper) askFix(slot State) {
	if slot == StateCategory {
		st.say(askKey(StateCategory))
		return
	}
	st.sayAbout(keyFix, slot)
}

// correct handles "地址写错了" (ask again) and "电话改成139…" (set it):
// afterwards the dialog goes on where it was, or back to the read-back.
func (st *stepper) correct(slot State, v string) {
	if v == "" {
		st.s.State = slot
		st.askFix(slot)
		return
	}
	val, ok := st.answer(slot, v, mine(st.env.Policy, v))
	if !ok {
		st.s.State = slot
		st.sayAbout(reaskKey(slot), slot)
		return
	}
	st.s.Draft.set(slot, val)
	delete(st.s.Fails, slot)
	if st.s.State != slot { // "电话是…" while the phone is asked is just the answer
		st.sayAbout(keyUpdated, slot)
	}
	if st.s.State == StateOffer {
		st.prompt()
		return
	}
	st.advance()
}
