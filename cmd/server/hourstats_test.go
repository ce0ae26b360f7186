package main

import (
	"strings"
	"testing"
)

// audienceStats counts what one leadership audience received in the hour.
type audienceStats struct {
	audience                                      string
	cards, updates, texts                         int // new cards, in-place updates, texts and digests
	incidentCards, incidentUpdates, incidentTexts int // those naming a case of the incident
}

// messages is what made the audience's phone ring: new cards and texts.
func (s audienceStats) messages() int { return s.cards + s.texts }

// leaderStats sorts the fake WeCom's messages by leadership audience. An
// update belongs to whoever got the card whose response code it used.
func leaderStats(qy *fakeQYAPI, msgs []qyMsg, incident []string) []audienceStats {
	out := make([]audienceStats, 0, len(leaderAudiences))
	for _, a := range leaderAudiences {
		s := audienceStats{audience: a}
		for _, m := range msgs {
			to := m.To
			if m.Kind == "update" {
				if owner, ok := qy.codeOwner(m.Code); ok {
					to = owner.To
				}
			}
			if to != a {
				continue
			}
			about := names(m.Body, incident)
			switch {
			case m.Kind == "update":
				s.updates++
				s.incidentUpdates += about
			case strings.Contains(m.Body, `"template_card"`) || strings.Contains(m.Body, `"msgtype":"markdown"`) && strings.Contains(m.Body, "工单号"):
				s.cards++
				s.incidentCards += about
			default:
				s.texts++
				s.incidentTexts += about
			}
		}
		out = append(out, s)
	}
	return out
}

// names is 1 when body names one of the case numbers.
func names(body string, numbers []string) int {
	for _, n := range numbers {
		if strings.Contains(body, n) {
			return 1
		}
	}
	return 0
}

// printStats logs the table of the hour.
func printStats(t *testing.T, stats []audienceStats, incident []string) {
	t.Logf("incident %v; one simulated hour", incident)
	t.Logf("%-12s %6s %8s %6s %10s | %9s %11s %10s", "audience", "cards", "updates", "texts", "msgs/hour",
		"inc.cards", "inc.updates", "inc.texts")
	total := 0
	for _, s := range stats {
		total += s.messages()
		t.Logf("%-12s %6d %8d %6d %10d | %9d %11d %10d", s.audience, s.cards, s.updates, s.texts, s.messages(),
			s.incidentCards, s.incidentUpdates, s.incidentTexts)
	}
	t.Logf("leadership messages in the hour: %d (%.1f per audience-hour)", total, float64(total)/float64(len(stats)))
}
