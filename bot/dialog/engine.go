package dialog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/models"
)

// Defaults of the engine's options.
const (
	DefaultTTL       = 24 * time.Hour
	DefaultPause     = 30 * time.Minute
	DefaultCaseLimit = 5
	maxRetries       = 3 // whole-step retries on a version conflict
)

// Engine runs the dialog: load → one pure step → save → file.
type Engine struct {
	policy    *policy.Policy
	texts     *Texts
	store     Store
	filer     Filer
	cases     Cases
	residents models.ResidentService
	desk      CaseDesk // the conversation about open cases (WithCaseDesk); nil: none
	clock     bot.Clock
	log       *slog.Logger
	ttl       time.Duration
	pause     time.Duration
	caseLimit int
	loc       *time.Location
}

// Option configures an Engine.
type Option func(*Engine)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) { e.log = l.With("component", "dialog") }
}

// WithTTL sets how long an idle draft lives (default 24 h). The store keeps
// it twice as long, so that a resident coming back later is told that the
// draft expired instead of finding it silently gone.
func WithTTL(d time.Duration) Option { return func(e *Engine) { e.ttl = d } }

// WithResumeAfter sets the pause after which a returning resident is
// reminded where the draft stood (default 30 min).
func WithResumeAfter(d time.Duration) Option { return func(e *Engine) { e.pause = d } }

// WithCaseLimit sets how many cases "我的投诉" lists (default 5).
func WithCaseLimit(n int) Option { return func(e *Engine) { e.caseLimit = n } }

// WithLocation sets the time zone of dates shown to residents (default
// China Standard Time).
func WithLocation(l *time.Location) Option { return func(e *Engine) { e.loc = l } }

// New returns an Engine.
func New(p *policy.Policy, texts *Texts, store Store, filer Filer, cases Cases, residents models.ResidentService, clock bot.Clock, opts ...Option) *Engine {
	e := &Engine{policy: p, texts: texts, store: store, filer: filer, cases: cases, residents: residents,
		clock: clock, log: slog.New(slog.NewTextHandler(io.Discard, nil)), ttl: DefaultTTL,
		pause: DefaultPause, caseLimit: DefaultCaseLimit, loc: models.CST}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Handle answers one update of a resident with one reply (one WeChat
// passive reply). It returns an error only when nothing was done (the
// session store failed): the caller may then let the resident resend.
// Filing failures are answered calmly and keep the draft.
func (e *Engine) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	if u.Kind == bot.KindEvent && strings.EqualFold(u.Event, "unsubscribe") {
		return bot.Reply{}, nil
	}
	var pre *Session
	loaded := false
	if e.desk != nil && talkable(u) {
		s, err := e.store.Load(ctx, u.SenderID)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("dialog load: %w", err)
		}
		reply, done, rest, err := e.talk(ctx, u, s)
		if done || err != nil {
			return reply, err
		}
		pre, loaded = rest, true
	}
	out, err := e.step(ctx, u, pre, loaded)
	if err != nil {
		return bot.Reply{}, err
	}
	res := e.act(ctx, u.SenderID, &out)
	return bot.Reply{Text: e.render(out, res)}, nil
}

// step loads the session (the first time pre, when loaded says it was
// read already), runs one step and stores the result, retrying the whole
// step when another message of the same resident won the race.
func (e *Engine) step(ctx context.Context, u bot.Update, pre *Session, loaded bool) (Outcome, error) {
	var known *Contact
	looked := false
	for attempt := 0; ; attempt++ {
		s, err := pre, error(nil)
		if attempt > 0 || !loaded {
			s, err = e.store.Load(ctx, u.SenderID)
		}
		if err != nil {
			return Outcome{}, fmt.Errorf("dialog load: %w", err)
		}
		if s == nil && !looked {
			known, looked = e.known(ctx, u.SenderID), true
		}
		in := Input{Update: u, Now: e.clock.Now(), Key: newKey(u.SenderID), Known: known}
		out := Step(e.env(), s, in)
		err = e.persist(ctx, u.SenderID, s != nil, out)
		if models.ErrorCode(err) == models.ECONFLICT && attempt < maxRetries {
			continue
		}
		if err != nil {
			return Outcome{}, fmt.Errorf("dialog save: %w", err)
		}
		return out, nil
	}
}

func (e *Engine) env() Env {
	return Env{Policy: e.policy, Followups: e.texts.Followups(), TTL: e.ttl, Pause: e.pause}
}

// persist applies the step's store operation.
func (e *Engine) persist(ctx context.Context, id string, existed bool, out Outcome) error {
	switch out.Op {
	case OpSave:
		return e.store.Save(ctx, out.Session, 2*e.ttl)
	case OpDelete:
		if existed {
			return e.store.Delete(ctx, id)
		}
	}
	return nil
}

// known returns the details a returning resident used last time, or nil.
func (e *Engine) known(ctx context.Context, id string) *Contact {
	if e.residents == nil {
		return nil
	}
	r, err := e.residents.FindResident(ctx, id)
	if err != nil {
		if models.ErrorCode(err) != models.ENOTFOUND {
			e.log.Warn("find resident failed", "code", models.ErrorCode(err), "err", err)
		}
		return nil
	}
	if r.Name == "" && r.Phone == "" && r.Address == "" {
		return nil
	}
	return &Contact{Name: r.Name, Phone: r.Phone, Address: r.Address}
}

// newKey returns a fresh idempotency key: resident ID + ":" + random hex.
func newKey(id string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return id + ":" + hex.EncodeToString(b)
}
