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
	policy  *policy.Policy
	cases   models.CaseService
	enq     Enqueuer
	clock   bot.Clock
	log     *slog.Logger
	metrics *metrics.Metrics
	baseURL string
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
	nc := &models.NewCase{
		Case: *c,
		Event: models.CaseEvent{Type: "created", Actor: d.ResidentID, Role: "resident",
			Channel: bot.PlatformWeChat, ToStatus: c.Status, Text: createdText(c)},
	}
	saved, created, err := s.cases.CreateCase(ctx, nc)
	if err != nil {
		return "", fmt.Errorf("file case: %w", err)
	}
	if !created {
		return saved.Number, nil
	}
	// Cards need the number, which the store assigns: write them after.
	s.metrics.CaseCreated(saved.Source, saved.Major)
	s.log.Info("case filed", "case", saved.Number, "category", saved.Category,
		"department", saved.Department, "major", saved.Major)
	return saved.Number, nil
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
	c.Major, c.MajorReason = s.majorReason(d)
	return c, nil
}

// majorReason applies policy 4.1.3: the dialog's finding first, then the
// criteria lexicon over everything the resident wrote.
func (s *Service) majorReason(d *dialog.Draft) (bool, string) {
	if d.Major != "" {
		return true, d.Major
	}
	text := d.Details + " " + d.Expectation + " " + d.Address
	if crit, _ := s.policy.MajorCriterion(text); crit != "" {
		return true, crit
	}
	return false, ""
}

func createdText(c *models.Case) string {
	if c.Major {
		return "居民通过公众号投诉，重大投诉（" + c.MajorReason + "，policy 4.1.3）"
	}
	return "居民通过公众号投诉"
}
