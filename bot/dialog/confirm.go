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
	case confirmWords[c] || onlyConfirms(c):
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

// confirmTokens are what a resident types to say "that is right, file it"
// ("对的确认", "没问题提交吧", "确认无误").
var confirmTokens = []string{"确认无误", "确认提交", "没有问题", "没问题", "提交吧", "确认", "提交", "对的", "是的", "没错",
	"好的", "可以", "正确", "无误", "对", "是", "好", "行", "嗯", "吧", "了", "的", "啊", "呀", "ok"}

// onlyConfirms reports whether compact text c is made of confirm tokens
// alone.
func onlyConfirms(c string) bool {
	if c == "" {
		return false
	}
	for c != "" {
		w := prefixAny(c, confirmTokens)
		if w == "" {
			return false
		}
		c = c[len(w):]
	}
	return true
}
