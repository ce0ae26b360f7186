package casework

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"tapline/bot"
	"tapline/models"
)

// ratingRe reads a resident's score: "评价 5 很好", "打分4", "5分", "5分，师傅很负责".
// A bare "N分" must stand alone or before punctuation, so "5分钟前漏水"
// is no rating.
var ratingRe = regexp.MustCompile(`^(?:(?:评价|打分|评分)\s*[:：]?\s*(\d+)\s*分?\s*[,，。.!！]?|(\d+)\s*分\s*(?:[,，。.!！]|$))\s*(.*)$`)

// ratable are the statuses in which the resident may rate the handling
// (PRODUCT E2): once the measures are carried out.
var ratable = []string{models.StatusResolved, models.StatusConfirmed, models.StatusClosed, models.StatusArchived}

// parseRating returns the score and comment of a rating message; ok is
// false when the message is not one.
func parseRating(msg string) (score int, comment string, ok bool) {
	m := ratingRe.FindStringSubmatch(strings.TrimSpace(msg))
	if m == nil {
		return 0, "", false
	}
	n := m[1] + m[2]
	score, err := strconv.Atoi(n)
	if err != nil || len(n) > 2 {
		return -1, "", true
	}
	return score, strings.TrimSpace(m[3]), true
}

// rating records a resident's 1–5 score of a finished case, once (PRODUCT
// E2); handled=false when the message is no rating.
func (s *Service) rating(ctx context.Context, u bot.Update, msg string) (bot.Reply, bool, error) {
	num := numberRe.FindString(msg)
	score, comment, ok := parseRating(strings.TrimSpace(strings.Replace(msg, num, "", 1)))
	if !ok || s.after == nil {
		return bot.Reply{}, false, nil
	}
	if score < 1 || score > 5 {
		return text("请打 1 到 5 分，例如：评价 5 师傅很负责"), true, nil
	}
	c, refusal, err := s.ratedCase(ctx, u.SenderID, strings.ToUpper(num))
	if c == nil {
		return text(refusal), true, err
	}
	err = s.after.AddRating(ctx, &models.Rating{CaseID: c.ID, ResidentID: u.SenderID, Score: score, Comment: models.Ellipsis(comment, 500)})
	switch models.ErrorCode(err) {
	case "":
		s.log.InfoContext(ctx, "case rated", "case", c.Number, "score", score)
		return text(fmt.Sprintf("感谢您的评价！投诉 %s 已记录 %d 分。", c.Number, score)), true, nil
	case models.ECONFLICT:
		return text(fmt.Sprintf("投诉 %s 您已经评价过了，每件投诉只计一次，谢谢！", c.Number)), true, nil
	}
	return text(txtUnavailable), true, err
}

// ratedCase finds the case a rating is for: the named one, which must be
// the resident's own and finished, or their newest finished case.
func (s *Service) ratedCase(ctx context.Context, residentID, number string) (*models.Case, string, error) {
	cs, _, err := s.cases.FindCases(ctx, models.CaseFilter{ResidentID: residentID, Limit: residentCasesLimit})
	if err != nil {
		return nil, txtUnavailable, fmt.Errorf("casework: rating: %w", err)
	}
	for _, c := range cs {
		if number != "" && c.Number != number {
			continue
		}
		if slices.Contains(ratable, c.Status) {
			return c, "", nil
		}
		if number != "" {
			return nil, fmt.Sprintf("投诉 %s 还在处理中，处理完成后再评价吧。", number), nil
		}
	}
	if number != "" { // not theirs, or no such case: the same answer, nothing revealed
		return nil, fmt.Sprintf("没有找到您名下的投诉 %s，请核对编号。", number), nil
	}
	return nil, "您还没有处理完成的投诉可以评价。", nil
}
