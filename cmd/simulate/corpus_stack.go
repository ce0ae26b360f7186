package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/dialog"
	"tapline/bot/dialog/corpus"
	"tapline/bot/intake"
	"tapline/bot/policy"
	"tapline/bot/redisstore"
	"tapline/models"
	"tapline/models/store"
)

// corpusStart is when a corpus run's clock starts: a working Friday
// morning in Asia/Shanghai.
var corpusStart = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// stepClock is the desk's clock: it moves on a little with every message
// and jumps when a conversation waits.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// nopQueue leaves outbox rows in the database: nothing is delivered
// during a corpus run.
type nopQueue struct{}

func (nopQueue) Enqueue(context.Context, ...uint64) error { return nil }

// deskStack is the resident desk of the server, in process: the intake
// dialog with its Redis sessions, the filing service and the casework
// service, wired as cmd/server wires them, on the given database and Redis.
type deskStack struct {
	clock  *stepClock
	db     *store.DB
	work   *casework.Service
	engine *dialog.Engine
	texts  *dialog.Texts
}

var _ corpus.Desk = (*deskStack)(nil)

// newDeskStack wires the desk on db and rdb (keys under prefix) with the
// policy and dialog texts at the given paths.
func newDeskStack(db *store.DB, rdb redis.UniversalClient, prefix, policyPath, dialogPath string, clock *stepClock) (*deskStack, error) {
	pol, err := policy.Load(policyPath)
	if err != nil {
		return nil, err
	}
	texts, err := dialog.LoadTexts(dialogPath)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := intake.New(pol, db, nopQueue{}, clock, log)
	sessions := redisstore.NewDialogStore(rdb, prefix)
	hints := redisstore.NewPendingHints(rdb, prefix, 10*time.Minute)
	work := casework.New(pol, casework.HintedWork(db, hints, log), db, nopQueue{}, clock, log,
		casework.WithAftercare(db, 3))
	engine := dialog.New(pol, texts, sessions, svc, svc, db, clock, dialog.WithLogger(log), dialog.WithCaseDesk(work))
	return &deskStack{clock: clock, db: db, work: work, engine: engine, texts: texts}, nil
}

// Say implements corpus.Desk: a WeChat message, through casework's
// resident answers first, then the dialog (as cmd/server's residentDesk).
func (d *deskStack) Say(ctx context.Context, openID string, t corpus.Turn) (string, error) {
	d.clock.advance(20 * time.Second)
	u := bot.Update{Platform: bot.PlatformWeChat, Kind: t.Kind(), SenderID: openID, Text: t.Text,
		MsgID: fmt.Sprint(d.clock.Now().UnixNano()), At: d.clock.Now()}
	switch t.Kind() {
	case bot.KindImage:
		u.MediaID, u.PicURL = "media-"+u.MsgID, "http://mmbiz.qpic.cn/"+u.MsgID
	case bot.KindVoice:
		u.MediaID = "voice-" + u.MsgID
	case bot.KindLocation:
		u.Label, u.Lat, u.Lng = t.Location, t.Lat, t.Lng
	}
	reply, handled, err := d.work.Resident(ctx, u)
	if handled || (err != nil && models.ErrorCode(err) != models.EUNAVAILABLE) {
		return reply.Text, err
	}
	r, err := d.engine.Handle(ctx, u)
	return r.Text, err
}

// Staff implements corpus.Desk: a command in WeCom 1:1 chat.
func (d *deskStack) Staff(ctx context.Context, staffID, text string) (string, error) {
	d.clock.advance(time.Minute)
	r, err := d.work.Handle(ctx, bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindText, SenderID: staffID,
		Text: text, ChatType: "single", At: d.clock.Now()})
	return r.Text, err
}

// Cases implements corpus.Desk.
func (d *deskStack) Cases(ctx context.Context, openID string) ([]*models.Case, error) {
	cs, _, err := d.db.FindCases(ctx, models.CaseFilter{ResidentID: openID, Limit: 50})
	slices.Reverse(cs)
	return cs, err
}

// Events implements corpus.Desk.
func (d *deskStack) Events(ctx context.Context, caseID uint64) ([]*models.CaseEvent, error) {
	return d.db.CaseEvents(ctx, caseID)
}

// Rating implements corpus.Desk.
func (d *deskStack) Rating(ctx context.Context, caseID uint64) (int, error) {
	r, err := d.db.FindRating(ctx, caseID)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return r.Score, nil
}

// Remember implements corpus.Desk.
func (d *deskStack) Remember(ctx context.Context, openID string, c corpus.Contact) error {
	return d.db.SaveResident(ctx, &models.Resident{OpenID: openID, Name: c.Name, Phone: c.Phone,
		Address: c.Address, LastSeen: d.clock.Now()})
}

// Advance implements corpus.Desk.
func (d *deskStack) Advance(dur time.Duration) error {
	d.clock.advance(dur)
	return nil
}

// playCorpus plays every conversation with its own resident and returns
// the results in corpus order; an hour passes between two conversations.
func playCorpus(ctx context.Context, d *deskStack, convs []*corpus.Conversation, run string) []*corpus.Result {
	out := make([]*corpus.Result, 0, len(convs))
	for i, c := range convs {
		openID := fmt.Sprintf("o-corpus-%s-%03d", run, i)
		out = append(out, corpus.Play(ctx, d, d.texts.Recognise, c, openID))
		d.clock.advance(time.Hour)
	}
	return out
}
