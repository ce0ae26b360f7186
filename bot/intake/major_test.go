package intake

import (
	"testing"

	"tapline/bot/policy"
	"tapline/models"
)

// TestEveryCriterionDetected: each criterion of policy 4.1.3 is found from
// the complaint's words (its first keyword in the shipped lexicon), the
// government and media criteria also from the source; safety is urgent.
func TestEveryCriterionDetected(t *testing.T) {
	s, _, _, _ := newService(t)
	for _, crit := range policy.MajorCriteria {
		words := s.policy.Major[crit]
		if len(words) == 0 {
			t.Fatalf("criterion %s has no keyword in configs/policy.yaml", crit)
		}
		c := &models.Case{Source: models.SourcePhone, Details: "居民反映：" + words[0] + "，请尽快处理"}
		s.markMajor(c)
		if !c.Major || c.MajorReason != crit || c.Urgent != (crit == "safety") {
			t.Errorf("%s (%q): major=%v reason=%q urgent=%v", crit, words[0], c.Major, c.MajorReason, c.Urgent)
		}
	}
	for src, crit := range map[string]string{models.SourceGov: "government", models.SourceMedia: "media"} {
		c := &models.Case{Source: src, Details: "水压小"}
		s.markMajor(c)
		if !c.Major || c.MajorReason != crit {
			t.Errorf("source %s: major=%v reason=%q", src, c.Major, c.MajorReason)
		}
	}
	c := &models.Case{Source: models.SourceWeChat, Details: "水压有点小"}
	if s.markMajor(c); c.Major {
		t.Errorf("ordinary complaint flagged: %q", c.MajorReason)
	}
	c = &models.Case{Source: models.SourceMedia, Major: true, MajorReason: "safety"}
	if s.markMajor(c); c.MajorReason != "safety" || !c.Urgent {
		t.Errorf("an earlier finding must stand: %q urgent=%v", c.MajorReason, c.Urgent)
	}
}
