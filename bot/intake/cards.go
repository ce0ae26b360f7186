package intake

import (
	"strings"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// summaryRunes bounds the complaint text shown on a card.
const summaryRunes = 120

// Card builds the department task card for c with personal data masked
// (ARCHITECTURE: personal data is masked in group chats).
func (s *Service) Card(c *models.Case, title string) bot.Card {
	card := bot.Card{
		Title: title, CaseNumber: c.Number, Major: c.Major, MajorWhy: remind.CriterionName(c.MajorReason),
		Name: models.MaskName(c.Name), Phone: models.MaskPhone(c.Phone),
		Address: c.Address, Summary: truncate(c.Details, summaryRunes),
		Expect: truncate(c.Expectation, summaryRunes), At: c.CreatedAt,
	}
	if cat := s.policy.Category(c.Category); cat != nil {
		card.Category = cat.Name
	}
	if d := s.policy.Department(c.Department); d != nil {
		card.Department = d.Name
	}
	if c.Status == models.StatusAssigned {
		// The same action as the text command 接单 (key format of bot/casework).
		card.Buttons = []bot.Button{{Key: "accept:" + c.Number, Text: "接单", Style: 1}}
	}
	if s.baseURL != "" {
		card.URL = s.baseURL + "/console/cases/" + c.Number // the case page (signs in first)
	}
	return card
}

// supplementTitle heads the completed card of an emergency filing.
const supplementTitle = "补充信息"

// cardRows returns the outbox rows that carry c's card to its department's
// group and, for a major case, to the leaders' group (policy 4.1.3: report
// to leadership within half an hour).
func (s *Service) cardRows(c *models.Case, title string) ([]models.Outbox, error) {
	msg := bot.Message{Card: ptr(s.Card(c, title))}
	rows, err := groupRows(c, s.policy.Department(c.Department).Group, c.Department, msg)
	if err != nil || !c.Major {
		return rows, err
	}
	if s.remind != nil && title == supplementTitle { // leadership was alerted at filing: the completed card only
		major := msg
		major.Card = ptr(s.Card(c, "重大投诉："+title))
		leaders, err := address.Rows(c.ID, address.Book{}.Group(s.policy.LeadersGroup, "leaders"), major)
		return append(rows, leaders...), err
	}
	if s.remind != nil { // the leaders' group, the leader in charge and the GM, with an acknowledge button
		alert, err := s.remind.Alert(c, title)
		return append(rows, alert...), err
	}
	major := msg
	major.Card = ptr(s.Card(c, "重大投诉："+title))
	leaders, err := groupRows(c, s.policy.LeadersGroup, "leaders", major)
	return append(rows, leaders...), err
}

// groupRows addresses msg to every platform configured for group g, or to
// the local sink when none is (embedded demo without credentials).
func groupRows(c *models.Case, g policy.Group, audience string, msg bot.Message) ([]models.Outbox, error) {
	return address.Rows(c.ID, address.Book{}.Group(g, audience), msg)
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

func ptr[T any](v T) *T { return &v }
