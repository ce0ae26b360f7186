package report

import (
	"context"
	"fmt"
	"time"

	"tapline/models"
)

// rowBatch is one batch of cases as rows of the ledger and major sheets.
type rowBatch struct{ cases, major [][]any }

// writeCases streams the month's cases into the ledger and major sheets.
// Each case is also counted in t. The rows are made beside the writing
// (the workbook's writer is the slowest step and runs alone).
func (s *Service) writeCases(ctx context.Context, b *book, month Month, now time.Time, opt LedgerOptions, t *tally) error {
	cases, major := b.sheets[SheetLedger], b.sheets[SheetMajor]
	if err := cases.title(fmt.Sprintf("%s 投诉台账", month.Title())); err != nil {
		return err
	}
	if err := cases.header(ledgerHeader); err != nil {
		return err
	}
	if err := major.title(fmt.Sprintf("%s 重大投诉清单及处理情况（总经理内部考核）", month.Title())); err != nil {
		return err
	}
	if err := major.header(majorHeader); err != nil {
		return err
	}
	n, nMajor, err := s.writeRows(ctx, cases, major, func(ctx context.Context, out chan<- rowBatch) error {
		return s.makeRows(ctx, month, now, opt, t, out)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return cases.row([]any{fmt.Sprintf("%s 没有投诉记录。", month.Title())})
	}
	if nMajor == 0 {
		return major.row([]any{fmt.Sprintf("%s 没有重大投诉。", month.Title())})
	}
	return nil
}

// writeRows writes the batches that produce sends, produce running in a
// goroutine of its own, and returns how many rows each sheet got. A
// failed write stops produce; its error wins.
func (s *Service) writeRows(ctx context.Context, cases, major *sheet,
	produce func(context.Context, chan<- rowBatch) error) (n, nMajor int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches, done := make(chan rowBatch, 2), make(chan error, 1)
	go func() {
		defer close(batches)
		done <- produce(ctx, batches)
	}()
	for rb := range batches {
		if err != nil {
			continue // drain until produce sees the cancellation
		}
		if err = writeAll(cases, rb.cases); err == nil {
			err = writeAll(major, rb.major)
		}
		n, nMajor = n+len(rb.cases), nMajor+len(rb.major)
		if err != nil {
			cancel()
		}
	}
	if perr := <-done; perr != nil && err == nil {
		err = fmt.Errorf("ledger cases: %w", perr)
	}
	return n, nMajor, err
}

// makeRows reads the month's cases, counts each in t and sends their rows
// to out.
func (s *Service) makeRows(ctx context.Context, month Month, now time.Time, opt LedgerOptions, t *tally, out chan<- rowBatch) error {
	n, nMajor := 0, 0
	return s.data.LedgerCases(ctx, month.Start(), month.End(), now, s.batch, func(batch []*models.LedgerCase) error {
		if err := shown(ctx, batch, opt); err != nil {
			return err
		}
		rb := rowBatch{cases: make([][]any, 0, len(batch))}
		for _, lc := range batch {
			n++
			t.add(lc)
			rb.cases = append(rb.cases, s.ledgerRow(n, lc, opt))
			if lc.Case.Major {
				nMajor++
				rb.major = append(rb.major, s.majorRow(nMajor, lc))
			}
		}
		select {
		case out <- rb:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

// shown tells opt.Shown about a batch whose contacts are about to be
// written.
func shown(ctx context.Context, batch []*models.LedgerCase, opt LedgerOptions) error {
	if !opt.Contacts || opt.Shown == nil {
		return nil
	}
	cases := make([]*models.Case, len(batch))
	for i, lc := range batch {
		cases[i] = &lc.Case
	}
	if err := opt.Shown(ctx, cases); err != nil {
		return fmt.Errorf("record contacts shown: %w", err)
	}
	return nil
}

// writeAll writes rows to sh in order.
func writeAll(sh *sheet, rows [][]any) error {
	for _, r := range rows {
		if err := sh.row(r); err != nil {
			return err
		}
	}
	return nil
}
