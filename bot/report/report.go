// Package report makes the monthly complaint ledger (投诉台账, policy
// 4.4.1) as an Excel workbook, the statistics charts as PNG images (policy
// 3.1 monthly statistics) and the department scorecard of the monthly
// assessment (policy 6). It reads through models.ReportService: the ledger
// streams the month's cases in batches, the summary, charts and scorecard
// come from GROUP BY aggregates, so memory stays bounded however large the
// month.
package report

import (
	"cmp"
	"log/slog"
	"slices"
	"sync"
	"time"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// defaultBatch is how many cases the ledger reads at a time.
const defaultBatch = 1000

// Service makes ledgers, charts and scorecards.
type Service struct {
	data     models.ReportService
	pol      *policy.Policy
	clock    bot.Clock
	log      *slog.Logger
	batch    int
	fontPath string
	prevent  Preventions

	fontOnce sync.Once
	fonts    *fontSet

	memoMu sync.Mutex
	memo   map[Month]*totalsEntry
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock (default the system clock): it decides which
// running deadlines are overdue and which months lie in the future.
func WithClock(c bot.Clock) Option { return func(s *Service) { s.clock = c } }

// WithLogger sets the logger (default discards).
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithBatch sets how many cases the ledger reads per batch (default 1000).
func WithBatch(n int) Option { return func(s *Service) { s.batch = n } }

// WithFont sets the TrueType/OpenType font (or collection) for chart labels;
// default: the first usable CJK font in the usual system places (Debian's
// fonts-droid-fallback). Without one, the charts fall back to English
// labels.
func WithFont(path string) Option { return func(s *Service) { s.fontPath = path } }

// New returns a Service reading data, with names from the policy.
func New(data models.ReportService, p *policy.Policy, opts ...Option) *Service {
	s := &Service{data: data, pol: p, clock: bot.SystemClock{}, batch: defaultBatch, memo: map[Month]*totalsEntry{}}
	for _, o := range opts {
		o(s)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "report")
	return s
}

// ParseMonth is the package's ParseMonth with the service's clock.
func (s *Service) ParseMonth(text string) (Month, error) { return ParseMonth(text, s.clock.Now()) }

// deptName returns a department's Chinese name, or its key.
func (s *Service) deptName(key string) string {
	if d := s.pol.Department(key); d != nil {
		return d.Name
	}
	return key
}

// categoryName returns a category's Chinese name, or its key.
func (s *Service) categoryName(key string) string {
	if c := s.pol.Category(key); c != nil {
		return c.Name
	}
	return key
}

// staffName returns a roster entry's name, or the ID itself.
func (s *Service) staffName(id string) string {
	if st := s.pol.Staff(id); st != nil {
		return st.Name
	}
	return id
}

// departments are the policy's departments in the order of their clauses
// (policy 3.1 … 3.8).
func (s *Service) departments() []*policy.Department {
	out := make([]*policy.Department, 0, len(s.pol.Departments))
	for _, d := range s.pol.Departments {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *policy.Department) int {
		return cmp.Or(cmp.Compare(len(a.Clause), len(b.Clause)), cmp.Compare(a.Clause, b.Clause), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// sourceNames are the channels as the ledger reads them (policy 3.1, 3.2).
var sourceNames = map[string]string{
	models.SourceWeChat: "微信公众号", models.SourcePhone: "热线电话", models.SourceVisit: "来访",
	models.SourceLetter: "来信", models.SourceGov: "政府转办", models.SourceMedia: "媒体",
}

// outcomeNames are the call-back outcomes (policy 3.1).
var outcomeNames = map[string]string{models.OutcomeSatisfied: "满意", models.OutcomeBasic: "基本满意",
	models.OutcomeUnsatisfied: "不满意", models.OutcomeUnreachable: "联系不上"}

// timingNames are the stage verdicts.
var timingNames = map[string]string{models.TimingOnTime: "按时", models.TimingLate: "超时完成",
	models.TimingOverdue: "超时未完成", models.TimingRunning: "进行中"}

// name looks key up in names, falling back to the key ("—" when empty).
func name(names map[string]string, key string) string {
	if n, ok := names[key]; ok {
		return n
	}
	if key == "" {
		return "—"
	}
	return key
}

// ledgerStages are the stages with a column of their own, in order.
var ledgerStages = []string{models.StageAccept, models.StageMeasures, models.StageApprove,
	models.StageResolve, models.StageFeedback, models.StageCallback}

// stageName returns a stage's Chinese name (bot/remind's).
func stageName(stage string) string { return remind.StageName(stage) }

// formatTime renders t in CST, "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(CST).Format("2006-01-02 15:04")
}
