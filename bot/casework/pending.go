package casework

import (
	"context"
	"log/slog"
	"slices"

	"tapline/models"
)

// PendingHint remembers, per resident, that none of their cases waits for
// their answer (no case in negotiation, no open question, policy 4.3.2 and
// 4.2.2), so that Resident can leave most WeChat messages to the intake
// dialog without reading the resident's cases. It is only a hint: a
// missing or unreadable one means "unknown" and the cases are read.
// redisstore.PendingHints implements it.
type PendingHint interface {
	// Check reports whether the resident is known to have nothing pending;
	// otherwise token identifies the hint's state for MarkNone.
	Check(ctx context.Context, residentID string) (none bool, token string, err error)
	// MarkNone records that nothing is pending, unless Invalidate ran
	// after the Check that returned token.
	MarkNone(ctx context.Context, residentID, token string) error
	// Invalidate forgets that nothing is pending.
	Invalidate(ctx context.Context, residentID string) error
}

// hintedWork is a CaseworkService that invalidates the resident's
// PendingHint after each transition it applies.
type hintedWork struct {
	models.CaseworkService
	hint PendingHint
	log  *slog.Logger
}

// HintedWork returns work that invalidates hint after every transition of
// a resident's case: any step may start or end a wait for the resident,
// and all of them go through Apply. A Service built on it uses hint to
// skip reading the cases of residents known to have nothing pending; one
// built on work alone always reads them. So the hint is consulted only
// where every change invalidates it.
func HintedWork(work models.CaseworkService, hint PendingHint, log *slog.Logger) models.CaseworkService {
	return hintedWork{CaseworkService: work, hint: hint, log: log.With("component", "casework")}
}

// Apply implements models.CaseworkService. The hint is invalidated after
// the commit (invalidating before would let a concurrent reader of the old
// cases mark "nothing pending" again). When Apply fails in a way that may
// still have committed, the case is looked up and the hint invalidated all
// the same. A failed invalidation is logged: the hint's TTL bounds it.
func (w hintedWork) Apply(ctx context.Context, t *models.Transition) (*models.Case, error) {
	c, err := w.CaseworkService.Apply(ctx, t)
	owner := c
	if err != nil && !slices.Contains([]string{models.ECONFLICT, models.ENOTFOUND, models.EINVALID}, models.ErrorCode(err)) {
		owner, _ = w.FindCaseByID(ctx, t.CaseID)
	}
	if owner != nil && owner.ResidentID != "" {
		if ierr := w.hint.Invalidate(ctx, owner.ResidentID); ierr != nil {
			w.log.ErrorContext(ctx, "pending hint not invalidated; it expires on its own", "case", owner.Number, "err", ierr)
		}
	}
	return c, err
}

// pendingHint returns the hint of a Service built on HintedWork, else nil.
func (s *Service) pendingHint() PendingHint {
	if hw, ok := s.work.(hintedWork); ok {
		return hw.hint
	}
	return nil
}

// checkPending reads the resident's hint: known is true when nothing is
// pending; otherwise mark, when non-nil, records "nothing pending" once
// the cases show it. An unreadable hint only costs the query.
func (s *Service) checkPending(ctx context.Context, residentID string) (known bool, mark func()) {
	h := s.pendingHint()
	if h == nil {
		return false, nil
	}
	none, token, err := h.Check(ctx, residentID)
	if err != nil {
		s.log.WarnContext(ctx, "pending hint unreadable; reading the cases", "err", err)
		return false, nil
	}
	if none {
		return true, nil
	}
	return false, func() {
		if err := h.MarkNone(ctx, residentID, token); err != nil {
			s.log.WarnContext(ctx, "pending hint not marked", "err", err)
		}
	}
}

// nothingPending reports whether none of cs waits for the resident: none
// in negotiation and no open question within the question TTL (the two
// things Resident answers). A case work row that cannot be read counts as
// pending.
func (s *Service) nothingPending(ctx context.Context, cs []*models.Case) bool {
	for _, c := range cs {
		if c.Status == models.StatusNegotiating {
			return false
		}
		if !slices.Contains(table[ActAsk].From, c.Status) {
			continue
		}
		w, err := s.work.CaseWork(ctx, c.ID)
		if err != nil || s.questionOpen(w) {
			return false
		}
	}
	return true
}

// questionOpen reports whether w holds a question still awaiting the
// resident's answer.
func (s *Service) questionOpen(w *models.CaseWork) bool {
	return w.PendingQuestion != "" && w.QuestionAt != nil && s.clock.Now().Sub(*w.QuestionAt) <= s.questionTTL
}
