package publish

import (
	"context"
	"fmt"
	"strings"

	"tapline/bot/report"
	"tapline/models"
)

// Runner runs a job in the background (bot/jobs): generating a ledger
// takes longer than a chat reply may.
type Runner interface {
	RunNow(ctx context.Context, name, period, key string) error
}

// Job names of the on-demand requests.
const (
	JobLedger = "ledger-on-demand"
	JobCharts = "charts-on-demand"
)

// LedgerCommand answers 台账 [月份]: the named month's ledger, last month's
// when none is named, sent to the person to when they asked in their own
// chat ("" = the leaders' group).
func (s *Service) LedgerCommand(ctx context.Context, run Runner, text, to string) (string, error) {
	month, msg := s.month(text, report.MonthOf(s.clock.Now()).Add(-1))
	if msg != "" {
		return msg, nil
	}
	if err := run.RunNow(ctx, JobLedger, jobPeriod(month, to), s.clock.Now().Format("200601021504")); err != nil {
		return "台账暂时无法生成，请稍后再试。", err
	}
	return fmt.Sprintf("正在生成%s投诉台账和统计图，稍后发到%s。", month.Title(), s.where(to)), nil
}

// StatsCommand answers 统计 [月份]: the charts of the named month, this
// month's when none is named, sent as LedgerCommand sends.
func (s *Service) StatsCommand(ctx context.Context, run Runner, text, to string) (string, error) {
	month, msg := s.month(text, report.MonthOf(s.clock.Now()))
	if msg != "" {
		return msg, nil
	}
	if err := run.RunNow(ctx, JobCharts, jobPeriod(month, to), s.clock.Now().Format("200601021504")); err != nil {
		return "统计图暂时无法生成，请稍后再试。", err
	}
	return fmt.Sprintf("正在生成%s统计图，稍后发到%s。", month.Title(), s.where(to)), nil
}

// where names the chat an on-demand file goes to (see dests).
func (s *Service) where(to string) string {
	_, w := s.dests(to)
	return w
}

// jobPeriod is an on-demand job's period: the month, and after "@" the
// person who asked in their own chat.
func jobPeriod(m report.Month, to string) string {
	if to == "" {
		return m.String()
	}
	return m.String() + "@" + to
}

// RunJob runs an on-demand job for period (a month like "2026-11", or
// "2026-11@leader.b" for the person who asked).
func (s *Service) RunJob(ctx context.Context, job, period string) error {
	month, to, _ := strings.Cut(period, "@")
	m, err := report.ParseMonth(month, s.clock.Now())
	if err != nil {
		return fmt.Errorf("publish: %s %s: %w", job, period, err)
	}
	if job == JobCharts {
		_, err = s.charts(ctx, m, to)
	} else {
		_, err = s.ledger(ctx, m, to)
	}
	return err
}

// month reads the month of a command, def when none is given.
func (s *Service) month(text string, def report.Month) (report.Month, string) {
	if strings.TrimSpace(text) == "" {
		return def, ""
	}
	m, err := report.ParseMonth(text, s.clock.Now())
	if err != nil {
		return report.Month{}, models.ErrorMessage(err)
	}
	return m, ""
}
