// Package casework is the case lifecycle of policy section 4 as an explicit
// transition table: staff accept, note, ask, transfer, propose measures or
// an unfounded explanation, approvers approve or reject the exact measure
// version, the resident accepts or rejects, the department reports done and
// the head confirms the effect (PRODUCT B3, B4, C2, C3, A5). Every step is
// authorised by role and written by models.CaseworkService as one
// transaction: case status under its Version, an immutable event, measures,
// approvals and the outbox rows, which are handed to the delivery queue
// after commit.
package casework

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/intake"
	"tapline/bot/policy"
	"tapline/bot/prevent"
	"tapline/bot/publish"
	"tapline/bot/remind"
	"tapline/models"
)

// Defaults of the options.
const (
	defaultPhotoWindow    = 5 * time.Minute
	defaultQuestionTTL    = 72 * time.Hour
	defaultEscalateRounds = 3
	applyAttempts         = 3
)

// Service handles staff commands and residents' answers on cases.
type Service struct {
	policy *policy.Policy
	work   models.CaseworkService
	cases  models.CaseService
	enq    intake.Enqueuer
	clock  bot.Clock
	log    *slog.Logger

	residentChannel  string
	directChannel    string
	dingtalkCards    bool
	baseURL          string
	photoWindow      time.Duration
	questionTTL      time.Duration
	escalateRounds   int
	remind           *remind.Service
	after            models.AftercareService
	prevent          *prevent.Service
	publish          *publish.Service
	runner           publish.Runner
	callbackAttempts int
}

// Option configures a Service.
type Option func(*Service)

// WithResidentChannel sets the outbox channel of messages to residents:
// models.ChannelWeChatCS when the Official Account can send them, else
// models.ChannelSink (the default).
func WithResidentChannel(ch string) Option { return func(s *Service) { s.residentChannel = ch } }

// WithDirectChannel sets the channel of messages to one approver
// (default models.ChannelWeComApp, target = the approver's WeCom ID); ""
// sends approval requests to the leaders' group only.
func WithDirectChannel(ch string) Option { return func(s *Service) { s.directChannel = ch } }

// WithDingTalkCards addresses DingTalk groups with a conversation ID, and
// people, with interactive cards (address.Book.DingTalkCards).
func WithDingTalkCards(on bool) Option { return func(s *Service) { s.dingtalkCards = on } }

// WithPublicURL sets the base URL of case links in cards.
func WithPublicURL(u string) Option {
	return func(s *Service) { s.baseURL = strings.TrimRight(u, "/") }
}

// WithPhotoWindow sets how long after a progress note a photo from the
// same person attaches to it (default 5 minutes).
func WithPhotoWindow(d time.Duration) Option { return func(s *Service) { s.photoWindow = d } }

// WithQuestionTTL sets how long a question relayed to a resident waits for
// their answer (default 72 hours); later messages go to the intake dialog.
func WithQuestionTTL(d time.Duration) Option { return func(s *Service) { s.questionTTL = d } }

// WithEscalateRounds sets after how many rejected negotiation rounds the
// leader is notified (default 3, PRODUCT C3).
func WithEscalateRounds(n int) Option { return func(s *Service) { s.escalateRounds = n } }

// WithRemind runs the stage clocks of each transition (PRODUCT D1) and
// the major-complaint alerts (policy 4.1.3).
func WithRemind(r *remind.Service) Option { return func(s *Service) { s.remind = r } }

// WithAftercare records call-backs (policy 3.1) and ratings; attempts is
// how many unreachable call-backs archive a case (default 3).
func WithAftercare(a models.AftercareService, attempts int) Option {
	return func(s *Service) { s.after, s.callbackAttempts = a, max(attempts, 1) }
}

// WithPublish answers 台账 and 统计 (policy 4.4.1): run generates them in
// the background.
func WithPublish(p *publish.Service, run publish.Runner) Option {
	return func(s *Service) { s.publish, s.runner = p, run }
}

// WithPrevent handles the prevention-measure commands (policy 4.4.2).
func WithPrevent(p *prevent.Service) Option { return func(s *Service) { s.prevent = p } }

// New returns a Service.
func New(p *policy.Policy, work models.CaseworkService, cases models.CaseService, enq intake.Enqueuer,
	clock bot.Clock, log *slog.Logger, opts ...Option) *Service {
	s := &Service{policy: p, work: work, cases: cases, enq: enq, clock: clock,
		log: log.With("component", "casework"), residentChannel: models.ChannelSink,
		directChannel: models.ChannelWeComApp, photoWindow: defaultPhotoWindow,
		questionTTL: defaultQuestionTTL, escalateRounds: defaultEscalateRounds, callbackAttempts: 3}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handle answers one staff Update from WeCom (app or smart bot) or
// DingTalk: a text command, a card button click or a photo. Unknown people
// are refused and nothing changes. Refusals are replies, not errors; the
// error is non-nil only when the database failed (the reply then says so).
func (s *Service) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	a, ok := s.staff(u)
	if !ok {
		s.log.InfoContext(ctx, "staff command from unknown sender", "platform", u.Platform)
		return text(txtUnknownStaff), nil
	}
	if u.Kind == bot.KindImage {
		return s.attachPhoto(ctx, a, u)
	}
	cmd, ok := command(u)
	if !ok {
		return bot.Reply{}, nil // other events (enter chat …) need no answer
	}
	cmd.Private = u.ChatType != "group" && u.Platform != bot.PlatformWeComBot && !cmd.Button
	switch cmd.Action {
	case "":
		return text(notUnderstood(a, u.Text)), nil
	case ActHelp:
		return text(helpText(a)), nil
	case ActTodo:
		return s.todo(ctx, a)
	case ActDetails:
		return s.details(ctx, a, cmd, u.ChatType == "group")
	case ActMajors:
		return s.majors(ctx, a)
	case ActPrevent, ActPreventApprove, ActPreventReject, ActPreventList:
		return s.preventCommand(ctx, a, cmd)
	case ActLedger, ActStats:
		return s.reportCommand(ctx, a, cmd)
	}
	return s.act(ctx, a, cmd)
}

// staff identifies the sender in the roster.
func (s *Service) staff(u bot.Update) (Actor, bool) {
	platform := ""
	switch u.Platform {
	case bot.PlatformConsole: // authenticated by bot/auth; the sender is the roster ID
		if st := s.policy.Staff(u.SenderID); st != nil {
			return Actor{ID: st.ID, Name: st.Name, Role: st.Role, Dept: st.Department, Platform: u.Platform}, true
		}
		return Actor{}, false
	case bot.PlatformWeCom, bot.PlatformWeComBot:
		platform = "wecom"
	case bot.PlatformDingTalk:
		platform = "dingtalk"
	default:
		return Actor{}, false
	}
	st := s.policy.StaffByPlatformID(platform, u.SenderID)
	if st == nil || u.SenderID == "" {
		return Actor{}, false
	}
	return Actor{ID: st.ID, Name: st.Name, Role: st.Role, Dept: st.Department, Platform: u.Platform}, true
}

// command reads a text command or a card click; ok is false for updates
// that carry no command.
func command(u bot.Update) (Command, bool) {
	switch {
	case u.Kind == bot.KindEvent && u.Event == "card_click" && u.EventKey == "noop":
		return Command{}, false // the status button of an updated card
	case u.Kind == bot.KindEvent && u.Event == "card_click":
		cmd := ParseKey(u.EventKey)
		if u.Platform == bot.PlatformWeCom || u.Platform == bot.PlatformDingTalk {
			cmd.ResponseCode = u.ResponseCode // the clicked card, updated for everyone once applied
		}
		return cmd, true
	case u.Kind == bot.KindText || u.Kind == bot.KindVoice:
		return Parse(u.Text), true
	}
	return Command{}, false
}

// enqueue hands committed outbox rows to the delivery queue; on failure the
// reconciler delivers them later, so the error is only logged.
func (s *Service) enqueue(ctx context.Context, rows []models.Outbox) {
	ids := make([]uint64, 0, len(rows))
	for _, r := range rows {
		if r.ID != 0 {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	if err := s.enq.Enqueue(ctx, ids...); err != nil {
		s.log.WarnContext(ctx, "enqueue outbox failed; reconciler will retry", "err", err, "rows", len(ids))
	}
}

func text(s string) bot.Reply { return bot.Reply{Text: s} }
