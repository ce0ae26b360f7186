// Package prevent runs the prevention measures of policy 4.4.2: recurring
// complaints of one kind (one estate or street, or one department) become
// an item owned by the leader in charge, who drafts a measure; the GM
// approves it; it is announced to every department; after a window its
// effect is checked: did the complaints fall?
package prevent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/models"
)

// Enqueuer hands outbox rows to the delivery queue.
type Enqueuer interface {
	Enqueue(ctx context.Context, ids ...uint64) error
}

// Service finds recurrences and runs prevention items.
type Service struct {
	policy *policy.Policy
	store  models.PreventionService
	outbox models.OutboxService
	book   address.Book
	enq    Enqueuer
	clock  bot.Clock
	log    *slog.Logger
}

// New returns a Service.
func New(p *policy.Policy, store models.PreventionService, outbox models.OutboxService, book address.Book,
	enq Enqueuer, clock bot.Clock, log *slog.Logger) *Service {
	return &Service{policy: p, store: store, outbox: outbox, book: book, enq: enq, clock: clock,
		log: log.With("component", "prevent")}
}

// Detect opens an item for each recurrence of the last window that has no
// open item yet, and tells the owners and the leaders' group in one digest
// (one message for each, however many items opened). It returns the items
// opened.
func (s *Service) Detect(ctx context.Context) ([]*models.Prevention, error) {
	now := s.clock.Now()
	rule := s.policy.Prevention
	since := now.Add(-rule.WindowDuration())
	found, err := s.store.Recurrences(ctx, since, now.Add(time.Millisecond), rule.AreaCases, rule.DepartmentCases)
	if err != nil {
		return nil, fmt.Errorf("prevent: %w", err)
	}
	var opened []*models.Prevention
	defer func() { s.announceFindings(ctx, opened) }() // what was opened is told, even after an error
	for _, r := range found {
		p, err := s.open(ctx, r, since)
		if err != nil {
			return opened, err
		}
		if p != nil {
			opened = append(opened, p)
		}
	}
	return opened, nil
}

// open creates the item of r unless one is open.
func (s *Service) open(ctx context.Context, r models.Recurrence, since time.Time) (*models.Prevention, error) {
	owner := ""
	if l := s.policy.LeaderOf(r.Department); l != nil {
		owner = l.ID
	}
	key := r.Kind + "|" + r.Category + "|" + r.AreaKey + "|" + r.Department
	if r.Kind == "area" {
		key = r.Kind + "|" + r.Category + "|" + r.AreaKey
	}
	p := &models.Prevention{OpenKey: &key, Kind: r.Kind, Category: r.Category, AreaKey: r.AreaKey,
		Department: r.Department, Owner: owner, Cases: r.Cases, Since: since, Status: models.PreventionOpen}
	err := s.store.CreatePrevention(ctx, p)
	if models.ErrorCode(err) == models.ECONFLICT {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("prevent: %w", err)
	}
	s.log.InfoContext(ctx, "prevention item opened", "item", p.ID, "kind", p.Kind, "category", p.Category)
	return p, nil
}

// announceFindings sends the day's new items (policy 4.4.2): each owner
// gets theirs, the leaders' group all of them, one message each.
func (s *Service) announceFindings(ctx context.Context, items []*models.Prevention) {
	if len(items) == 0 {
		return
	}
	var owners []string
	byOwner := map[string][]*models.Prevention{}
	for _, p := range items {
		if byOwner[p.Owner] == nil {
			owners = append(owners, p.Owner)
		}
		byOwner[p.Owner] = append(byOwner[p.Owner], p)
	}
	for _, o := range owners {
		s.post(ctx, s.book.Person(s.policy.Staff(o)), s.findings(byOwner[o]))
	}
	s.post(ctx, s.book.Leaders(), s.findings(items))
}

// findings is the text of new items: one line for one item, else a
// numbered list under one heading.
func (s *Service) findings(items []*models.Prevention) string {
	days := int(s.policy.Prevention.WindowDuration().Hours() / 24)
	if len(items) == 1 {
		p := items[0]
		return fmt.Sprintf("📌 同类投诉多发：%s，%d 天内 %d 件。请%s制定预防措施，回复：预防 P%d 措施内容（报总经理审批后通报各部门）",
			s.describe(p), days, p.Cases, s.name(p.Owner), p.ID)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "📌 同类投诉多发，%d 天内新发现 %d 项：", days, len(items))
	for i, p := range items {
		fmt.Fprintf(&b, "\n%d. P%d %s：%d 件，由%s制定措施", i+1, p.ID, s.describe(p), p.Cases, s.name(p.Owner))
	}
	b.WriteString("\n回复：预防 P编号 措施内容（报总经理审批后通报各部门）")
	return b.String()
}

// describe names what recurs: "幸福小区 水压/停水" or "供水股 水压/停水".
func (s *Service) describe(p *models.Prevention) string {
	cat := p.Category
	if c := s.policy.Category(p.Category); c != nil {
		cat = c.Name
	}
	if p.Kind == "area" {
		return p.AreaKey + " " + cat
	}
	if d := s.policy.Department(p.Department); d != nil {
		return d.Name + " " + cat
	}
	return p.Department + " " + cat
}

// name returns a roster entry's name.
func (s *Service) name(id string) string {
	if st := s.policy.Staff(id); st != nil {
		return st.Name
	}
	return "分管领导"
}

// post queues text for dests; failures are logged (the outbox reconciler
// delivers what was written).
func (s *Service) post(ctx context.Context, dests []address.Dest, text string) {
	rows, err := address.Rows(0, dests, bot.Message{Text: text})
	if err != nil {
		s.log.ErrorContext(ctx, "prevention message", "err", err)
		return
	}
	ptrs := make([]*models.Outbox, len(rows))
	for i := range rows {
		ptrs[i] = &rows[i]
	}
	switch err := notify.AddAndArm(ctx, s.outbox, s.enq, ptrs); {
	case errors.Is(err, notify.ErrNotArmed):
		s.log.WarnContext(ctx, "prevention message queued, not armed; reconciler will retry", "err", err)
	case err != nil:
		s.log.ErrorContext(ctx, "prevention message not queued", "err", err)
	}
}
