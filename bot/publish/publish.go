// Package publish delivers the monthly ledger (投诉台账, policy 4.4.1) and
// the statistics charts to the leaders' group: the files are stored, then
// one outbox write addresses them to every platform of the group — WeCom
// robots upload the workbook and show the charts, DingTalk robots (which
// cannot carry files) get signed download links that expire.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/download"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/bot/report"
	"tapline/models"
)

// Mime types of the files.
const (
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimePNG  = "image/png"
)

// Enqueuer hands outbox rows to the delivery queue.
type Enqueuer interface {
	Enqueue(ctx context.Context, ids ...uint64) error
}

// Service publishes ledgers and charts.
type Service struct {
	report *report.Service
	policy *policy.Policy
	files  models.FileService
	outbox models.OutboxService
	enq    Enqueuer
	book   address.Book
	signer *download.Signer
	clock  bot.Clock
	log    *slog.Logger
	ttl    time.Duration
}

// New returns a Service; links and stored files live for ttl.
func New(r *report.Service, p *policy.Policy, files models.FileService, outbox models.OutboxService, enq Enqueuer,
	book address.Book, signer *download.Signer, clock bot.Clock, log *slog.Logger, ttl time.Duration) *Service {
	return &Service{report: r, policy: p, files: files, outbox: outbox, enq: enq, book: book, signer: signer,
		clock: clock, log: log.With("component", "publish"), ttl: ttl}
}

// Ledger sends month's ledger workbook and its charts to the leaders'
// group. Contacts are masked: the workbook goes to a group chat.
func (s *Service) Ledger(ctx context.Context, month report.Month) (string, error) {
	return s.ledger(ctx, month, "")
}

// ledger sends the workbook and charts to the leaders' group, or to the
// person to (who asked for it in their own chat, issue 17); masked either
// way.
func (s *Service) ledger(ctx context.Context, month report.Month, to string) (string, error) {
	var buf bytes.Buffer
	pngs, err := s.report.LedgerAndCharts(ctx, month, &buf, report.LedgerOptions{})
	if err != nil {
		return "", fmt.Errorf("publish: ledger %s: %w", month, err)
	}
	book, err := s.store(ctx, "投诉台账-"+month.String()+".xlsx", mimeXLSX, buf.Bytes())
	if err != nil {
		return "", err
	}
	charts, err := s.storeCharts(ctx, month, pngs)
	if err != nil {
		return "", err
	}
	note := fmt.Sprintf("%s投诉台账，含汇总、部门考核和重大投诉清单", month.Title())
	dests, where := s.dests(to)
	if err := s.post(ctx, dests, append([]*bot.File{{ID: book.ID, Name: book.Name, Note: note}}, charts...)); err != nil {
		return "", err
	}
	return fmt.Sprintf("已将%s投诉台账和 %d 张统计图发送到%s。", month.Title(), len(charts), where), nil
}

// Charts sends month's statistics charts to the leaders' group.
func (s *Service) Charts(ctx context.Context, month report.Month) (string, error) {
	return s.charts(ctx, month, "")
}

// charts sends the charts to the leaders' group or to the person to.
func (s *Service) charts(ctx context.Context, month report.Month, to string) (string, error) {
	pngs, err := s.report.Charts(ctx, month)
	if err != nil {
		return "", fmt.Errorf("publish: charts %s: %w", month, err)
	}
	charts, err := s.storeCharts(ctx, month, pngs)
	if err != nil {
		return "", err
	}
	dests, where := s.dests(to)
	if err := s.post(ctx, dests, charts); err != nil {
		return "", err
	}
	return fmt.Sprintf("已将%s的 %d 张统计图发送到%s。", month.Title(), len(charts), where), nil
}

// dests is where files go: the leaders' group, or the person to on their
// direct channel (the group when they have none), and how the reply names
// it.
func (s *Service) dests(to string) ([]address.Dest, string) {
	if to != "" {
		if d := s.book.Person(s.policy.Staff(to)); len(d) > 0 {
			return d, "您的会话"
		}
	}
	return s.book.Leaders(), "领导群"
}

// storeCharts stores the month's charts, in ChartNames order.
func (s *Service) storeCharts(ctx context.Context, month report.Month, pngs map[string][]byte) ([]*bot.File, error) {
	var out []*bot.File
	for _, name := range report.ChartNames {
		b, ok := pngs[name]
		if !ok {
			continue
		}
		f, err := s.store(ctx, fmt.Sprintf("统计-%s-%s.png", month, name), mimePNG, b)
		if err != nil {
			return nil, err
		}
		out = append(out, &bot.File{ID: f.ID, Name: f.Name, Image: true})
	}
	return out, nil
}

// store saves one generated file until the links expire.
func (s *Service) store(ctx context.Context, name, mime string, content []byte) (*models.StoredFile, error) {
	f := &models.StoredFile{Name: name, Mime: mime, Content: content, ExpiresAt: s.clock.Now().Add(s.ttl)}
	if err := s.files.SaveFile(ctx, f); err != nil {
		return nil, fmt.Errorf("publish: store %s: %w", name, err)
	}
	return f, nil
}

// post writes one row per file and destination in one outbox write (all
// or nothing, so a retried job never sends twice), each with its signed
// link, and hands them to the queue.
func (s *Service) post(ctx context.Context, dests []address.Dest, files []*bot.File) error {
	exp := s.clock.Now().Add(s.ttl)
	var rows []*models.Outbox
	for _, f := range files {
		msg := *f
		msg.URL = s.signer.URL(f.ID, exp)
		rs, err := address.Rows(0, dests, bot.Message{File: &msg})
		if err != nil {
			return err
		}
		for i := range rs {
			rows = append(rows, &rs[i])
		}
	}
	err := notify.AddAndArm(ctx, s.outbox, s.enq, rows)
	if errors.Is(err, notify.ErrNotArmed) {
		s.log.WarnContext(ctx, "published files queued, not armed; reconciler will retry", "err", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}
