package intake

import (
	"fmt"
	"strings"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/models"
)

// summaryRunes bounds the complaint text shown on a card.
const summaryRunes = 120

// Card builds the department task card for c with personal data masked
// (ARCHITECTURE: personal data is masked in group chats).
func (s *Service) Card(c *models.Case, title string) bot.Card {
	card := bot.Card{
		Title: title, CaseNumber: c.Number, Major: c.Major, MajorWhy: c.MajorReason,
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
		card.URL = s.baseURL + "/api/v1/cases/" + c.Number
	}
	return card
}

// cardRows returns the outbox rows that carry c's card to its department's
// group and, for a major case, to the leaders' group (policy 4.1.3: report
// to leadership within half an hour).
func (s *Service) cardRows(c *models.Case, title string) ([]models.Outbox, error) {
	msg := bot.Message{Card: ptr(s.Card(c, title))}
	rows, err := groupRows(c, s.policy.Department(c.Department).Group, c.Department, msg)
	if err != nil || !c.Major {
		return rows, err
	}
	major := msg
	major.Card = ptr(s.Card(c, "重大投诉："+title))
	leaders, err := groupRows(c, s.policy.LeadersGroup, "leaders", major)
	return append(rows, leaders...), err
}

// groupRows addresses msg to every platform configured for group g, or to
// the local sink when none is (embedded demo without credentials).
func groupRows(c *models.Case, g policy.Group, audience string, msg bot.Message) ([]models.Outbox, error) {
	kind, payload, err := notify.EncodeMessage(msg)
	if err != nil {
		return nil, fmt.Errorf("card payload: %w", err)
	}
	row := func(channel, target string) models.Outbox {
		return models.Outbox{CaseID: c.ID, Channel: channel, Target: target, Audience: audience,
			Kind: kind, Payload: payload, Status: models.OutboxPending}
	}
	var rows []models.Outbox
	if g.WeComRobotKey != "" {
		rows = append(rows, row(models.ChannelWeComRobot, g.WeComRobotKey))
	}
	if g.DingTalkToken != "" {
		rows = append(rows, row(models.ChannelDingTalkRobot, dingtalk.Target(g.DingTalkToken, g.DingTalkSecret)))
	}
	if len(rows) == 0 {
		rows = append(rows, row(models.ChannelSink, audience))
	}
	return rows, nil
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

func ptr[T any](v T) *T { return &v }
