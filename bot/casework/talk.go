package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/dialog"
	"tapline/models"
)

// Events a resident's message about an open case writes (issue 12: a
// resident with an open case is in a conversation about that case).
const (
	EventResidentInquiry  = "resident_inquiry"  // 居民询问进度, told to the department as a reminder
	EventResidentQuestion = "resident_question" // 居民提问
	EventResidentRemark   = "resident_remark"   // 居民补充
)

// relays name each kind of message: its event and how the department's
// group reads it.
var relays = map[string]struct{ event, head string }{
	dialog.RelayInquiry:  {EventResidentInquiry, "居民询问进度"},
	dialog.RelayQuestion: {EventResidentQuestion, "居民提问"},
	dialog.RelayRemark:   {EventResidentRemark, "居民补充"},
}

// talkWindow is how long after its last change a finished case is still
// talked about (thanks, a rating, "结果怎么样了").
const talkWindow = 30 * 24 * time.Hour

var _ dialog.CaseDesk = (*Service)(nil)

// TalkCases implements dialog.CaseDesk: the resident's open cases and
// those finished within talkWindow, newest first, with the measures put
// to them while negotiating.
func (s *Service) TalkCases(ctx context.Context, residentID string) ([]dialog.CaseView, error) {
	cs, _, err := s.cases.FindCases(ctx, models.CaseFilter{ResidentID: residentID, Limit: residentCasesLimit})
	if err != nil {
		return nil, fmt.Errorf("casework: talk cases: %w", err)
	}
	var out []dialog.CaseView
	for _, c := range cs {
		info, known := models.StatusOf(c.Status)
		if c.ResidentID != residentID || !known || (!info.Open && s.clock.Now().Sub(c.UpdatedAt) > talkWindow) {
			continue
		}
		v := dialog.CaseView{Case: c, Department: s.deptName(c.Department)}
		if c.Status == models.StatusNegotiating {
			if v.Measure, err = s.measureText(ctx, c); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// measureText is the current measure version of c.
func (s *Service) measureText(ctx context.Context, c *models.Case) (string, error) {
	st, err := s.load(ctx, c)
	if err != nil || st.m == nil {
		return "", err
	}
	return st.m.Text, nil
}

// ownCase returns the resident's own case with that number; ENOTFOUND for
// any other (nothing about another resident's case is revealed).
func (s *Service) ownCase(ctx context.Context, residentID, number string) (*models.Case, error) {
	c, err := s.cases.FindCaseByNumber(ctx, number)
	if err == nil && (c.ResidentID == "" || c.ResidentID != residentID) {
		err = models.Errorf(models.ENOTFOUND, "No such case of yours.")
	}
	return c, err
}

// Relay implements dialog.CaseDesk: the message goes on the case's
// timeline and to its department's group (policy 4.2.2: the department
// communicates with the resident). The status does not change.
func (s *Service) Relay(ctx context.Context, residentID, number, kind, text, photo string) error {
	r, ok := relays[kind]
	if !ok {
		return models.Errorf(models.EINVALID, "Unknown kind of message %q.", kind)
	}
	c, err := s.ownCase(ctx, residentID, number)
	if err != nil {
		return fmt.Errorf("casework: relay: %w", err)
	}
	if c.Status == models.StatusArchived {
		return models.Errorf(models.EINVALID, "Case %s is archived.", number)
	}
	body := models.Ellipsis(text, 500)
	if photo != "" {
		body = strings.TrimSpace(body + " " + photo)
	}
	a := Actor{ID: residentID, Name: "居民", Role: roleResident, Platform: bot.PlatformWeChat}
	return s.applyResident(ctx, c, func(st *state) (step, error) {
		d := s.begin(a, r.event, "", st, body)
		d.out.dept(c.Department, textMsg("%s（投诉 %s，%s）：%s", r.head, c.Number, StatusName(st.c.Status), body))
		return d.finish("")
	})
}

// applyResident builds and applies a step on c for a resident's message,
// deciding again when someone else changed the case meanwhile.
func (s *Service) applyResident(ctx context.Context, c *models.Case, build func(*state) (step, error)) error {
	for range applyAttempts {
		st, err := s.load(ctx, c)
		if err != nil {
			return err
		}
		out, err := build(st)
		if err != nil {
			return err
		}
		_, err = s.work.Apply(ctx, out.t)
		switch models.ErrorCode(err) {
		case "":
			s.enqueue(ctx, out.t.Outbox)
			return nil
		case models.ECONFLICT:
			if c, err = s.cases.FindCaseByNumber(ctx, c.Number); err != nil {
				return fmt.Errorf("casework: reload %s: %w", c.Number, err)
			}
		default:
			return fmt.Errorf("casework: resident message on %s: %w", c.Number, err)
		}
	}
	return models.Errorf(models.ECONFLICT, "Case %s is being changed by several people at once.", c.Number)
}

// Answer implements dialog.CaseDesk: the resident accepts or rejects the
// measures (or explanation) put to them, exactly as 接受 / 不接受 <原因>
// (policy 4.3.2).
func (s *Service) Answer(ctx context.Context, residentID, number string, accept bool, reason string) (bool, error) {
	c, err := s.ownCase(ctx, residentID, number)
	if err != nil {
		return false, fmt.Errorf("casework: answer: %w", err)
	}
	if c.Status != models.StatusNegotiating {
		return false, nil
	}
	action := ActResidentReject
	if accept {
		action = ActResidentAccept
	}
	a := Actor{ID: residentID, Name: "居民", Role: roleResident, Platform: bot.PlatformWeChat}
	if _, err := s.act(ctx, a, Command{Action: action, Number: number, Text: reason}); err != nil {
		return false, err
	}
	after, err := s.cases.FindCaseByNumber(ctx, number)
	if err != nil {
		return false, fmt.Errorf("casework: answer: %w", err)
	}
	return after.Status != models.StatusNegotiating, nil
}

// Rate implements dialog.CaseDesk (PRODUCT E2): one rating per finished
// case of the resident's own.
func (s *Service) Rate(ctx context.Context, residentID, number string, score int, comment string) error {
	if s.after == nil {
		return models.Errorf(models.EUNAVAILABLE, "Ratings are not kept.")
	}
	c, err := s.ownCase(ctx, residentID, number)
	if err != nil {
		return fmt.Errorf("casework: rate: %w", err)
	}
	if !slices.Contains(ratable, c.Status) || score < 1 || score > 5 {
		return models.Errorf(models.EINVALID, "Case %s cannot be rated now.", number)
	}
	err = s.after.AddRating(ctx, &models.Rating{CaseID: c.ID, ResidentID: residentID, Score: score, Comment: models.Ellipsis(comment, 500)})
	if err == nil {
		s.log.InfoContext(ctx, "case rated", "case", c.Number, "score", score)
	}
	return err
}
