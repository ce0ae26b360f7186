package dialog

import (
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/models"
)

// Action is the I/O a step asks the engine to do after the session is saved.
type Action int

// Actions of a step.
const (
	ActNone          Action = iota
	ActFile                 // file the draft; on success the session ends
	ActFileEmergency        // file at once (PRODUCT A4); the session goes on for the missing slots
	ActSupplement           // file if not filed yet, then supplement case Draft.Number; the session ends
	ActQuery                // list the resident's own cases (PRODUCT A3)
	ActShowCase             // show case Outcome.Number if it is the resident's
	ActUpdate               // add what is known to emergency case Draft.Number; the session goes on
)

// StoreOp is what the engine does with the session after a step.
type StoreOp int

// Store operations.
const (
	OpKeep   StoreOp = iota // leave the stored session as it is
	OpSave                  // save Outcome.Session (version-checked)
	OpDelete                // delete the stored session
)

// keyResult marks where the text of the action's result goes (case number,
// case list, or an apology when filing failed).
const keyResult = "@result"

// humanDetails is filed as the details of a call-back request that has none.
const humanDetails = "居民请求人工服务，请回电联系"

// Msg is one reply text: a key of configs/dialog.yaml and the slot it is
// about.
type Msg struct {
	Key  string
	Slot State
}

// Env is the step's fixed configuration.
type Env struct {
	Policy    *policy.Policy
	Followups map[string]Followup // the follow-up question rules by category (configs/dialog.yaml)
	TTL       time.Duration       // a draft idle longer is dropped (expired)
	Pause     time.Duration       // a draft idle longer is resumed with a reminder
}

// Input is one step's input.
type Input struct {
	Update bot.Update
	Now    time.Time
	Key    string   // a fresh draft key, used if this step starts a draft
	Known  *Contact // last time's details, when the engine looked them up
}

// Outcome is one step's result. Session is the next session; with
// OpDelete it is the last state of the ended draft (for the reply texts).
type Outcome struct {
	Session *Session
	Op      StoreOp
	Msgs    []Msg
	Action  Action
	Number  string // the case number asked for (ActShowCase)
	// Next is the draft of the next complaint of the same message, saved
	// once ActFile succeeds, and NextMsgs the texts that start it.
	Next     *Session
	NextMsgs []Msg
}

// stepper carries one step's state; its methods are the step functions.
type stepper struct {
	env   Env
	in    Input
	s     *Session
	out   Outcome
	fired bool // an emergency fired in this step
}

// Step runs one pure step: (session, update, time, policy) → next session,
// reply texts and action. It never changes s.
func Step(env Env, s *Session, in Input) Outcome {
	st := &stepper{env: env, in: in}
	var pre []Msg
	resumed := false
	if s != nil {
		st.s = s.clone()
		idle := in.Now.Sub(s.UpdatedAt)
		switch {
		case env.TTL > 0 && idle > env.TTL:
			pre = append(pre, Msg{Key: expiredKey(s)})
			if st.in.Known == nil {
				st.in.Known = s.Known
			}
			st.s = nil
			st.out.Op = OpDelete
		case env.Pause > 0 && idle > env.Pause:
			resumed = true
		}
	}
	st.dispatch()
	out := st.out
	if resumed && out.Op == OpSave && out.Session != nil && out.Session.Draft.Key == s.Draft.Key {
		pre = append(pre, Msg{Key: resumeKey(s)})
	}
	out.Msgs = append(pre, out.Msgs...)
	if out.Session != nil && out.Op == OpSave {
		out.Session.UpdatedAt = in.Now
		if s != nil {
			out.Session.Version = s.Version // the version check is against what was loaded
		}
	}
	return out
}

// resumeKey and expiredKey greet a returning resident: an emergency
// already filed is never called "not yet submitted" (issue 12).
func resumeKey(s *Session) string {
	if s.Draft.Number != "" {
		return keyResumeFiled
	}
	return keyResume
}

func expiredKey(s *Session) string {
	if s.Draft.Number != "" {
		return keyExpiredFiled
	}
	return keyExpired
}

func (st *stepper) say(key string) { st.out.Msgs = append(st.out.Msgs, Msg{Key: key}) }
func (st *stepper) sayAbout(key string, s State) {
	st.out.Msgs = append(st.out.Msgs, Msg{Key: key, Slot: s})
}

// save marks the session for saving.
func (st *stepper) save() {
	st.out.Session = st.s
	st.out.Op = OpSave
}

// prompt repeats the question of the current state.
func (st *stepper) prompt() {
	switch {
	case st.s == nil:
	case st.s.State == StateFollowup:
		st.say(followupKey(st.s.Draft.Category))
	default:
		st.say(askKey(st.s.State))
	}
}

func (st *stepper) newSession() *Session {
	id := st.in.Update.SenderID
	return &Session{ResidentID: id, State: StateDescribe, Fails: map[State]int{},
		Draft: Draft{Key: st.in.Key, ResidentID: id}, Known: st.in.Known}
}

// dispatch routes the update by kind.
func (st *stepper) dispatch() {
	u := st.in.Update
	switch {
	case u.Kind == bot.KindEvent:
		st.onEvent()
	case u.Kind == bot.KindVoice && strings.TrimSpace(u.Text) != "":
		st.onText(u.Text) // WeChat's speech recognition result
	case u.Kind == bot.KindImage || u.Kind == bot.KindVoice || u.Kind == bot.KindLocation:
		st.onMedia()
	case u.Kind == bot.KindText:
		st.onText(u.Text)
	default:
		st.say(keyUnsupported)
		st.prompt()
	}
}

// onEvent answers subscribe and the menu buttons.
func (st *stepper) onEvent() {
	u := st.in.Update
	switch {
	case strings.EqualFold(u.Event, "subscribe"):
		st.say(keyWelcome)
		st.prompt()
	case strings.EqualFold(u.Event, "click") && strings.EqualFold(u.EventKey, "COMPLAIN"):
		if st.s == nil {
			st.say(keyStart)
			return
		}
		st.say(resumeKey(st.s))
		st.prompt()
	case strings.EqualFold(u.Event, "click") && strings.EqualFold(u.EventKey, "QUERY"):
		st.query()
	}
}

// query asks the engine for the resident's cases, then repeats the open
// question of a draft in progress.
func (st *stepper) query() {
	st.out.Action = ActQuery
	st.say(keyResult)
	st.prompt()
}

// onMedia attaches a photo, voice note or location to the draft, starting
// one if needed; a location fills a missing address.
func (st *stepper) onMedia() {
	u := st.in.Update
	if st.s == nil {
		st.s = st.newSession()
	}
	d := &st.s.Draft
	a := models.Attachment{Kind: u.Kind, MediaID: u.MediaID, URL: u.PicURL}
	if u.Kind == bot.KindLocation {
		a = models.Attachment{Kind: u.Kind, Label: models.CutRunes(normalize(u.Label), MaxAddress), Lat: u.Lat, Lng: u.Lng}
	}
	d.attach(a)
	st.say("got_" + u.Kind)
	st.save()
	if u.Kind == bot.KindLocation && d.Address == "" && a.Label != "" {
		d.Address = a.Label
		if st.s.State == StateAddress {
			st.advance()
			return
		}
	}
	st.prompt()
}
