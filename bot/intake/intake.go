// Package intake files confirmed resident drafts as cases: it routes the
// category to the responsible department (policy section 3), flags major
// complaints (policy 4.1.3), builds the task cards and writes case, event
// and outbox rows in one transaction, then hands the outbox rows to the
// delivery queue (PRODUCT A3, B2).
package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"tapline/bot"
	"tapline/bot/dialog"
	"tapline/bot/metrics"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// Enqueuer hands outbox row IDs to the delivery queue. Rows not handed over
// (queue down) are picked up by the reconciler, so its errors are logged,
// never returned to the resident.
type Enqueuer interface {
	Enqueue(ctx context.Context, ids ...uint64) error
}

// Service implements dialog.Filer and dialog.Cases.
type Service struct {
	dingtalkCards bool // DingTalk groups get interactive cards
	policy        *policy.Policy
	cases         models.CaseService
	enq           Enqueuer
	clock         bot.Clock
	log           *slog.Logger
	metrics       *metrics.Metrics
	baseURL       string
	remind        *remind.Service
}

var (
	_ dialog.Filer = (*Service)(nil)
	_ dialog.Cases = (*Service)(nil)
)

// Option configures a Service.
type Option func(*Service)

// WithMetrics counts created cases.
func WithMetrics(m *metrics.Metrics) Option { return func(s *Service) { s.metrics = m } }

// WithPublicURL sets the base URL of case links in cards.
func WithPublicURL(u string) Option {
	return func(s *Service) { s.baseURL = strings.TrimRight(u, "/") }
}

// WithRemind starts the stage clocks of each filed case, alerts leadership
// of major ones with the acknowledgement clock (policy 4.1.3) and clusters
// group complaints into incidents (PRODUCT A7, D1).
func WithRemind(r *remind.Service) Option { return func(s *Service) { s.remind = r } }

// WithDingTalkCards sends task cards to DingTalk groups that have a
// conversation ID as interactive cards (address.Book.DingTalkCards).
func WithDingTalkCards(on bool) Option { return func(s *Service) { s.dingtalkCards = on } }

// New returns a Service.
func New(p *policy.Policy, cases models.CaseService, enq Enqueuer, clock bot.Clock, log *slog.Logger, opts ...Option) *Service {
	s := &Service{policy: p, cases: cases, enq: enq, clock: clock, log: log.With("component", "intake")}
	for _, o := range opts {
		o(s)
	}
	return s
}

// File files d as a case and returns its number. It is idempotent on d.Key:
// a retried confirm returns the number filed the first time. Returns
// EUNAVAILABLE when the database is down (the dialog keeps the draft).
func (s *Service) File(ctx context.Context, d *dialog.Draft) (string, error) {
	c, err := s.newCase(d)
	if err != nil {
		return "", err
	}
	ev := models.CaseEvent{Actor: d.ResidentID, Role: "resident", Channel: bot.PlatformWeChat,
		Text: "居民通过公众号投诉" + s.routeNote(d)}
	saved, _, err := s.fileCase(ctx, c, ev, title(d), d.MajorWords)
	if err != nil {
		return "", err
	}
	return saved.Number, nil
}

// fileCase marks c major where policy 4.1.3 says so (markMajor), then writes
// the case, its "created" event ev (Type, ToStatus and the major note, with
// the criterion and the words that fired — words when the finding was made
// earlier — are filled in here) and the department's task cards headed
// cardTitle in one transaction, and hands the cards to the delivery queue.
// Idempotent on c.DraftKey: created is false when the key was filed before.
func (s *Service) fileCase(ctx context.Context, c *models.Case, ev models.CaseEvent, cardTitle, words string) (*models.Case, bool, error) {
	if found := s.markMajor(c); found != "" {
		words = found
	}
	ev.Type, ev.ToStatus = "created", c.Status
	ev.Text += majorNote(c, words)
	nc := &models.NewCase{Case: *c, Event: ev}
	var place alertPlace
	if s.remind != nil {
		nc.Case.AreaKey = remind.AreaKey(c.Address)
		nc.Deadlines = s.remind.Plan().Filing(&nc.Case, s.clock.Now())
		if err := place.find(ctx, s.remind, &nc.Case); err != nil {
			return nil, false, fmt.Errorf("file case: %w", err)
		}
	}
	nc.BuildOutbox = func(c *models.Case) ([]models.Outbox, error) { return s.cardRows(c, cardTitle, place) }
	saved, created, err := s.cases.CreateCase(ctx, nc)
	if err != nil {
		return nil, false, fmt.Errorf("file case: %w", err)
	}
	if !created {
		return saved, false, nil
	}
	s.enqueue(ctx, nc.Outbox)
	s.afterFiling(ctx, saved, nc.Deadlines)
	s.metrics.CaseCreated(saved.Source, saved.Major)
	s.log.Info("case filed", "case", saved.Number, "category", saved.Category,
		"department", saved.Department, "major", saved.Major)
	return saved, true, nil
}

// newCase routes the draft and builds the case row.
func (s *Service) newCase(d *dialog.Draft) (*models.Case, error) {
	cat := s.policy.Category(d.Category)
	if cat == nil {
		cat = s.policy.Category("other")
	}
	att, err := json.Marshal(d.Attachments)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	c := &models.Case{
		DraftKey: d.Key, Status: models.StatusAssigned, Source: models.SourceWeChat,
		ResidentID: d.ResidentID, Category: cat.Key, Department: cat.Department,
		Name: d.Name, Address: d.Address, Phone: d.Phone, Details: d.Details,
		Expectation: d.Expectation, Attachments: string(att),
	}
	if d.Major != "" {
		c.Major, c.MajorReason = true, d.Major
	}
	return c, nil
}

// Supplement writes the slots collected after an emergency filing (PRODUCT
// A4) to case d.Number and sends the department the completed card.
func (s *Service) Supplement(ctx context.Context, d *dialog.Draft) error {
	c, err := s.newCase(d)
	if err != nil {
		return err
	}
	existing, err := s.cases.FindCaseByNumber(ctx, d.Number)
	if err != nil {
		return fmt.Errorf("supplement: %w", err)
	}
	full := *existing
	full.Name, full.Address, full.Phone = c.Name, c.Address, c.Phone
	full.Details, full.Expectation = c.Details, c.Expectation
	place := alertPlace{completed: true}
	if s.remind != nil {
		c.AreaKey = remind.AreaKey(c.Address)
		full.AreaKey = c.AreaKey
		if err := place.find(ctx, s.remind, &full); err != nil {
			return fmt.Errorf("supplement: %w", err)
		}
	}
	rows, err := s.cardRows(&full, supplementTitle, place)
	if err != nil {
		return err
	}
	ev := models.CaseEvent{Type: "supplemented", Actor: d.ResidentID, Role: "resident",
		Channel: bot.PlatformWeChat, Text: "居民补充了联系方式和详情"}
	saved, err := s.cases.SupplementCase(ctx, d.Number, c, ev, rows)
	if err != nil {
		return fmt.Errorf("supplement: %w", err)
	}
	s.enqueue(ctx, rows)
	if s.remind != nil && saved.Major {
		s.remind.Withdraw(ctx, saved, place.key) // its alert, still held, joined the card of its place
	}
	if s.remind != nil && existing.AreaKey == "" && saved.AreaKey != "" { // the address came only now
		if _, err := s.remind.Cluster(ctx, saved); err != nil {
			s.log.WarnContext(ctx, "clustering failed", "case", saved.Number, "err", err)
		}
	}
	return nil
}

// ResidentCases returns the resident's own cases, newest first (PRODUCT A3).
func (s *Service) ResidentCases(ctx context.Context, residentID string, limit int) ([]*models.Case, error) {
	cases, _, err := s.cases.FindCases(ctx, models.CaseFilter{ResidentID: residentID, Limit: limit})
	return cases, err
}

// CaseByNumber returns the case with that number; ENOTFOUND if none.
func (s *Service) CaseByNumber(ctx context.Context, number string) (*models.Case, error) {
	return s.cases.FindCaseByNumber(ctx, number)
}

// enqueue hands rows to the delivery queue; on failure the reconciler
// delivers them later, so the error is only logged.
func (s *Service) enqueue(ctx context.Context, rows []models.Outbox) {
	ids := make([]uint64, 0, len(rows))
	for _, r := range rows {
		if r.ID != 0 {
			ids = append(ids, r.ID)
		}
	}
	if err := s.enq.Enqueue(ctx, ids...); err != nil {
		s.log.Warn("enqueue outbox failed; reconciler will retry", "err", err, "rows", len(ids))
	}
}

// routeNote explains the routing on the first event: the category, the
// department of policy section 3 and the words that decided it.
func (s *Service) routeNote(d *dialog.Draft) string {
	cat := s.policy.Category(d.Category)
	if cat == nil {
		cat = s.policy.Category("other")
	}
	note := "；分类：" + cat.Name
	if dept := s.policy.Department(cat.Department); dept != nil {
		note += "，转" + dept.Name
	}
	if d.CategoryWhy != "" {
		note += "，依据：" + d.CategoryWhy
	}
	return note
}

// title heads the first card: emergencies (PRODUCT A4) stand out.
func title(d *dialog.Draft) string {
	if d.Emergency != "" {
		return "紧急投诉"
	}
	return "新投诉"
}
