package dialog

import (
	"context"
	"fmt"
	"strings"

	"tapline/bot"
	"tapline/models"
)

// StateMeasure is a session with no draft: the measures of case
// Draft.Number were read back and the resident's yes or no is awaited.
const StateMeasure State = "measure"

// Text keys of the conversation about an open case.
const (
	keyAfterStatus    = "after_status"
	keyAfterRelayed   = "after_relayed"
	keyAfterNoted     = "after_noted"
	keyAfterReadback  = "after_readback"
	keyAfterAccepted  = "after_accepted"
	keyAfterRejected  = "after_rejected"
	keyAfterThanks    = "after_thanks"
	keyAfterRated     = "after_rated"
	keyAfterRatedOnce = "after_rated_before"
	keyAfterHello     = "after_hello"
	keyAfterFailed    = "after_failed"
	keyAfterCase      = "after_case"
)

// afterKeys are the texts the conversation about an open case needs.
var afterKeys = []string{keyAfterStatus, keyAfterRelayed, keyAfterNoted, keyAfterReadback, keyAfterAccepted,
	keyAfterRejected, keyAfterThanks, keyAfterRated, keyAfterRatedOnce, keyAfterHello, keyAfterFailed, keyAfterCase}

// WithCaseDesk lets a resident with an open case talk about it: progress
// questions are answered from the case, questions and remarks go to the
// department and the timeline, assent and dissent to measures are
// understood in everyday words, thanks and ratings are taken; only a new
// problem starts a new complaint (issue 12).
func WithCaseDesk(d CaseDesk) Option { return func(e *Engine) { e.desk = d } }

// talkable reports whether u may be about an open case.
func talkable(u bot.Update) bool {
	switch u.Kind {
	case bot.KindText, bot.KindImage, bot.KindLocation:
		return true
	case bot.KindVoice:
		return strings.TrimSpace(u.Text) != ""
	}
	return false
}

// talk answers u when the resident has no draft open and the message is
// about one of their cases; done is false when the intake dialog takes it
// (then s is the session as it stands, nil when there is none).
func (e *Engine) talk(ctx context.Context, u bot.Update, s *Session) (reply bot.Reply, done bool, rest *Session, err error) {
	now := e.clock.Now()
	if s != nil && s.State != StateMeasure && now.Sub(s.UpdatedAt) <= e.ttl {
		return bot.Reply{}, false, s, nil // a draft in progress
	}
	cases, err := e.desk.TalkCases(ctx, u.SenderID)
	if err != nil || len(cases) == 0 {
		if err != nil {
			e.log.Warn("reading the resident's cases failed; the intake dialog answers", "code", models.ErrorCode(err), "err", err)
		}
		return bot.Reply{}, false, e.dropMeasure(ctx, s), nil
	}
	if s != nil && s.State == StateMeasure && now.Sub(s.UpdatedAt) <= e.ttl {
		if r, ok := e.readBackAnswer(ctx, u, s, cases); ok {
			return r, true, nil, nil
		}
	}
	s = e.dropMeasure(ctx, s)
	tk := readTalk(e.policy, u.Kind, u.Text, cases)
	if tk.kind == talkNone {
		return bot.Reply{}, false, s, nil
	}
	return e.doTalk(ctx, u, tk), true, nil, nil
}

// dropMeasure deletes a read-back session that no longer applies and
// returns the session the intake dialog goes on with.
func (e *Engine) dropMeasure(ctx context.Context, s *Session) *Session {
	if s == nil || s.State != StateMeasure {
		return s
	}
	if err := e.store.Delete(ctx, s.ResidentID); err != nil {
		e.log.Warn("dropping a read-back failed", "code", models.ErrorCode(err), "err", err)
	}
	return nil
}

// readBackAnswer takes the yes or no to measures read back.
func (e *Engine) readBackAnswer(ctx context.Context, u bot.Update, s *Session, cases []CaseView) (bot.Reply, bool) {
	var v *CaseView
	for i := range cases {
		if cases[i].Case.Number == s.Draft.Number && negotiating(cases[i]) {
			v = &cases[i]
		}
	}
	if v == nil || u.Kind != bot.KindText && u.Kind != bot.KindVoice {
		return bot.Reply{}, false
	}
	t := normalize(u.Text)
	c := compact(t)
	tk := talk{view: v}
	switch {
	case isQuestion(t):
		tk.kind = talkQuestion
	case containsAny(t, rejectWords) || noWords[c]:
		tk.kind = talkReject
	case yesWords[c] || confirmWords[c] || onlyConfirms(c) || containsAny(c, assentWords) || strings.HasPrefix(c, "是"):
		tk.kind = talkAccept
	default:
		return bot.Reply{}, false
	}
	if tk.kind != talkQuestion {
		e.dropMeasure(ctx, s)
	}
	return e.doTalk(ctx, u, tk), true
}

// doTalk does what the message asks on the case and renders the answer.
func (e *Engine) doTalk(ctx context.Context, u bot.Update, tk talk) bot.Reply {
	v, id := tk.view, u.SenderID
	text := strings.TrimSpace(normalize(u.Text))
	var key string
	var err error
	switch tk.kind {
	case talkProgress:
		key, err = keyAfterStatus, e.desk.Relay(ctx, id, v.Case.Number, RelayInquiry, text, "")
	case talkQuestion:
		key, err = keyAfterRelayed, e.desk.Relay(ctx, id, v.Case.Number, RelayQuestion, text, "")
	case talkRemark:
		key, err = keyAfterNoted, e.desk.Relay(ctx, id, v.Case.Number, RelayRemark, remarkText(u, text), u.PicURL)
	case talkAccept, talkReject:
		key, err = e.answer(ctx, id, v, tk.kind == talkAccept, text)
	case talkUnsure:
		key, err = keyAfterReadback, e.store.Save(ctx, e.readBack(id, v), 2*e.ttl)
	case talkRating:
		key, err = e.rate(ctx, id, v, tk.score, text)
	case talkThanks:
		key = keyAfterThanks
	case talkHello:
		key = keyAfterHello
	case talkAck:
		key = keyAfterCase
	}
	if err != nil {
		e.log.Warn("conversation about a case failed", "code", models.ErrorCode(err), "err", err)
		key = keyAfterFailed
	}
	return bot.Reply{Text: e.renderTalk(key, v)}
}

// answer records a yes or no to measures put to the resident.
func (e *Engine) answer(ctx context.Context, id string, v *CaseView, accept bool, reason string) (string, error) {
	if accept {
		reason = ""
	}
	done, err := e.desk.Answer(ctx, id, v.Case.Number, accept, reason)
	switch {
	case err != nil:
		return "", err
	case !done:
		return keyAfterCase, nil // it no longer waits for an answer: say where it stands
	case accept:
		return keyAfterAccepted, nil
	}
	return keyAfterRejected, nil
}

// rate records a rating; a second one is answered kindly.
func (e *Engine) rate(ctx context.Context, id string, v *CaseView, score int, comment string) (string, error) {
	err := e.desk.Rate(ctx, id, v.Case.Number, score, comment)
	switch models.ErrorCode(err) {
	case "":
		return keyAfterRated, nil
	case models.ECONFLICT:
		return keyAfterRatedOnce, nil
	}
	return "", err
}

// readBack is the session that waits for the yes or no to v's measures.
func (e *Engine) readBack(id string, v *CaseView) *Session {
	return &Session{ResidentID: id, State: StateMeasure, Fails: map[State]int{}, UpdatedAt: e.clock.Now(),
		Draft: Draft{ResidentID: id, Number: v.Case.Number}}
}

// remarkText is what a photo or a location adds to the case.
func remarkText(u bot.Update, text string) string {
	switch u.Kind {
	case bot.KindImage:
		return strings.TrimSpace("[照片] " + text)
	case bot.KindLocation:
		return fmt.Sprintf("[位置] %s (%.5f, %.5f)", normalize(u.Label), u.Lat, u.Lng)
	}
	return text
}

// renderTalk renders key about case v.
func (e *Engine) renderTalk(key string, v *CaseView) string {
	d := Data{Menu: e.menu()}
	if v != nil {
		d.Case, d.Number, d.Measure = e.line(v.Case), v.Case.Number, v.Measure
		d.Case.Department = v.Department
	}
	text, err := e.texts.Render(key, d)
	if err != nil {
		e.log.Error("rendering a dialog text failed", "key", key, "err", err)
		return ""
	}
	return text
}
