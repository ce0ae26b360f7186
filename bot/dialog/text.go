package dialog

import "regexp"

// onText handles a text message: commands that work everywhere first, then
// the draft.
func (st *stepper) onText(text string) {
	t := normalize(text)
	if t == "" {
		st.empty()
		return
	}
	c := compact(t)
	switch {
	case caseNumber(t) != "":
		st.out.Action, st.out.Number = ActShowCase, caseNumber(t)
		st.say(keyResult)
		st.prompt()
	case queryWords[c]:
		st.query()
	case helpWords[c]:
		st.say(keyHelp)
		st.prompt()
	case st.s == nil:
		st.fresh(t, c)
	default:
		st.drafting(t, c)
	}
}

// empty re-asks the open question (or explains how to start).
func (st *stepper) empty() {
	switch {
	case st.s == nil:
		st.say(keyStart)
	case st.s.State == StateFollowup:
		st.prompt()
	default:
		st.say(reaskKey(st.s.State))
	}
}

// fresh handles text when no draft is open: a command, a greeting, or the
// first description of a complaint.
func (st *stepper) fresh(t, c string) {
	switch {
	case cancelWords[c]:
		st.say(keyNoDraft)
	case submitWords[c]: // a 确认 whose draft is gone (expired key, Redis restarted)
		st.say(keyDraftLost)
	case humanWords[c]:
		st.say(keyHumanHotline)
	case restartWords[c] || isGreeting(t) || meaningful(t) == 0: // 👍 alone starts nothing
		st.say(keyStart)
	default:
		st.s = st.newSession()
		st.drafting(t, c)
	}
}

// drafting handles text while a draft is open.
func (st *stepper) drafting(t, c string) {
	s := st.s
	switch {
	case isCancel(s.State, c):
		st.cancel()
		return
	case restartWords[c]:
		st.restart()
		return
	case humanWords[c] || asksHuman(t):
		if s.State == StateDescribe { // "水费说不清楚，转人工": what it is about, then the call back
			f := mine(st.env.Policy, t)
			st.absorb(f, "", true)
		}
		st.human()
		st.save()
		return
	case isGreeting(t) && !confirmWords[c] && !yesWords[c]:
		st.prompt()
		st.save()
		return
	}
	st.emergency(t)
	st.major(t)
	switch {
	case st.fired: // the emergency's message says what, maybe where: then the address and the phone
		f := mine(st.env.Policy, t)
		st.absorb(f, "", true)
		s.Draft.addDetails(f.Details)
		st.advance()
	case s.State != StateDescribe && st.corrections(t):
	default:
		st.byState(t, c)
	}
	st.save()
}

// byState hands the text to the handler of the current state.
func (st *stepper) byState(t, c string) {
	switch st.s.State {
	case StateDescribe:
		st.describe(t)
	case StateCategory:
		st.category(t)
	case StateOffer:
		st.offer(t, c)
	case StateConfirm:
		st.confirm(c)
	case StateWhich:
		st.which(t, c)
	case StateFollowup:
		st.followup(t)
	default:
		st.slot(st.s.State, t)
	}
}

// cancel ends the draft; an emergency already filed stays filed.
func (st *stepper) cancel() {
	if st.s.Draft.Number != "" {
		st.say(keyCancelledFiled)
	} else {
		st.say(keyCancelled)
	}
	st.out.Session, st.out.Op = st.s, OpDelete
}

// restart starts a new draft with a new key.
func (st *stepper) restart() {
	known := st.s.Known
	st.s = st.newSession()
	st.s.Known = known
	st.say(keyRestarted)
	st.save()
}

// human asks for a call back: filed at once when the phone is known,
// otherwise the phone is asked first.
func (st *stepper) human() {
	s := st.s
	s.Human = true
	if s.Draft.Phone == "" {
		s.State = StatePhone
		st.say(keyHumanPhone)
		return
	}
	st.advance()
}

// emergency applies the safety override (PRODUCT A4, policy 4.1.3 安全):
// guidance at once and a filing with whatever is known.
func (st *stepper) emergency(t string) {
	d := &st.s.Draft
	if d.Emergency != "" {
		return
	}
	e, words := st.env.Policy.EmergencyMatch(t)
	if e == nil {
		return
	}
	d.Emergency, d.Major, d.MajorWords = e.Key, "safety", words
	// The category is what this message is about (a flooded flat after a
	// billing complaint is a leak); the emergency's own when it says none.
	d.Category, d.CategoryWhy = e.Category, "紧急情况："+words
	if k, why := classify(st.env.Policy, t); k != "" {
		d.Category, d.CategoryWhy = k, why
	}
	st.fired = true
	st.out.Action = ActFileEmergency
	st.say(keyEmergency)
	st.say(keyResult)
}

// longNumberRe matches phone-like digit runs, which must not match the
// "12345" of policy 4.1.3 (government referral).
var longNumberRe = regexp.MustCompile(`\d[\d -]{4,}\d`)

// major records the first policy 4.1.3 criterion the text meets.
func (st *stepper) major(t string) {
	if st.s.Draft.Major != "" {
		return
	}
	if c, w := st.env.Policy.MajorCriterion(longNumberRe.ReplaceAllString(t, " ")); c != "" {
		st.s.Draft.Major, st.s.Draft.MajorWords = c, w
	}
}

// humanPhrases ask for a person within a longer message.
var humanPhrases = []string{"转人工", "人工服务", "人工客服", "找人工", "要人工", "接人工", "真人客服", "给我打电话",
	"打电话给我", "给我回电话", "给我回个电话", "回个电话", "找个人", "来个人联系我", "打字不方便"}

// asksHuman reports whether t asks for a person ("说不清楚，转人工").
func asksHuman(t string) bool { return containsAny(t, humanPhrases) }

// AsksHuman reports whether a resident's text asked for a person: what a
// call-back request leaves in a filed case's details (the console's 人工
// mark).
func AsksHuman(t string) bool { return asksHuman(t) }

// isCancel reports whether c cancels the draft. "不用了" declines the offer
// of last time's details and means "no expectation" when those are asked.
func isCancel(s State, c string) bool {
	if s == StateOffer || s == StateExpectation {
		return cancelWords[c] && c != "不用了" && c != "不要了"
	}
	return cancelWords[c]
}
