package report

import (
	"context"
	"fmt"
	"strconv"

	"tapline/models"
)

// SatisfactionBasis is what the month's satisfaction figures are counted
// from (policy 3.1): the call-backs recorded, those that reached the
// resident, and the residents' ratings.
type SatisfactionBasis struct {
	// CallBacks counts the cases with a call-back outcome (the newest).
	CallBacks int `json:"call_backs"`
	// Reached counts those that reached the resident: the base of Satisfied.
	Reached int `json:"reached"`
	// Satisfied is the satisfied and basically satisfied share of Reached.
	Satisfied Rate `json:"satisfied"`
	// Ratings counts the residents' scores; Average is their mean (0 without).
	Ratings int     `json:"ratings"`
	Average float64 `json:"average"`
}

// Satisfaction returns what the month's satisfaction figures are based
// on. Returns EINVALID for a month after the current one.
func (s *Service) Satisfaction(ctx context.Context, month Month) (SatisfactionBasis, error) {
	now := s.clock.Now()
	if month.Start().After(now) {
		return SatisfactionBasis{}, models.Errorf(models.EINVALID, "%s 还没有到，不能统计。", month)
	}
	t, err := s.monthTotals(ctx, month, now)
	if err != nil {
		return SatisfactionBasis{}, fmt.Errorf("satisfaction: %w", err)
	}
	return basisOf(t), nil
}

// basisOf counts the satisfaction basis of a month's totals.
func basisOf(t *models.ReportTotals) SatisfactionBasis {
	b := SatisfactionBasis{Satisfied: satisfaction(t.CallBacks)}
	b.Reached = b.Satisfied.Den
	for _, o := range t.CallBacks {
		b.CallBacks += o.Count
	}
	sum := 0
	for _, r := range t.Ratings {
		score, _ := strconv.Atoi(r.Key)
		sum, b.Ratings = sum+score*r.Count, b.Ratings+r.Count
	}
	if b.Ratings > 0 {
		b.Average = float64(sum) / float64(b.Ratings)
	}
	return b
}

// CallBackText says what the satisfaction rate is based on:
// "基于 23 次回访（接通 21 次），满意率 90.5%".
func (b SatisfactionBasis) CallBackText() string {
	if b.CallBacks == 0 {
		return "本月还没有回访记录"
	}
	return fmt.Sprintf("基于 %d 次回访（接通 %d 次），满意率 %s", b.CallBacks, b.Reached, b.Satisfied)
}

// RatingText says what the ratings are based on: "基于 12 次评分，平均 4.2 分".
func (b SatisfactionBasis) RatingText() string {
	if b.Ratings == 0 {
		return "本月还没有居民评分"
	}
	return fmt.Sprintf("基于 %d 次评分，平均 %.1f 分", b.Ratings, b.Average)
}

// String is both: what the page shows under the satisfaction chart.
func (b SatisfactionBasis) String() string { return b.CallBackText() + "；" + b.RatingText() }

// englishCallBacks and englishRatings are the texts without a CJK font.
func (b SatisfactionBasis) englishCallBacks() string {
	return fmt.Sprintf("%d call-backs, %d reached, %s satisfied", b.CallBacks, b.Reached, b.Satisfied)
}

func (b SatisfactionBasis) englishRatings() string {
	return fmt.Sprintf("%d ratings, mean %.1f", b.Ratings, b.Average)
}
