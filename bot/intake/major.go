package intake

import (
	"context"

	"tapline/bot/remind"
	"tapline/models"
)

// Policy 4.1.3 criteria that a case's source establishes by itself.
var sourceCriteria = map[string]string{
	models.SourceGov:   "government", // 政府机关等部门转交
	models.SourceMedia: "media",      // 网络媒体发表
}

// markMajor applies policy 4.1.3 to a case about to be filed: a finding
// already made (the dialog's emergency, a staff flag) stands; otherwise the
// source (government referral, media report), then the criteria's phrases
// in what the complainant said (details and expectation). It returns the
// words that fired, for the record ("" for a source or an earlier
// finding). A safety case is urgent: the leaders also report it to the
// housing authority.
func (s *Service) markMajor(c *models.Case) (words string) {
	if !c.Major {
		if crit, ok := sourceCriteria[c.Source]; ok {
			c.Major, c.MajorReason = true, crit
		}
	}
	if !c.Major {
		if crit, w := s.policy.MajorCriterion(c.Details + "。" + c.Expectation); crit != "" {
			c.Major, c.MajorReason, words = true, crit, w
		}
	}
	if c.Major && c.MajorReason == "safety" {
		c.Urgent = true
	}
	return words
}

// majorNote explains a major flag on the case's first event: the
// criterion and the words that fired (policy 4.1.3).
func majorNote(c *models.Case, words string) string {
	if !c.Major {
		return ""
	}
	why := remind.CriterionName(c.MajorReason)
	if words != "" {
		why += "：“" + words + "”"
	}
	return "；重大投诉（" + why + "）"
}

// afterFiling arms the new case's clocks and clusters it with the other
// households of its area (PRODUCT A7). A failure here loses nothing: the
// deadline reconciler arms the clocks, and the case stays filed; the
// clustering error is logged.
func (s *Service) afterFiling(ctx context.Context, c *models.Case, dls []models.Deadline) {
	if s.remind == nil {
		return
	}
	s.remind.ArmAll(ctx, dls)
	if _, err := s.remind.Cluster(ctx, c); err != nil {
		s.log.WarnContext(ctx, "clustering failed", "case", c.Number, "err", err)
	}
}
