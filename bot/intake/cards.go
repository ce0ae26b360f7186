package intake

import (
	"context"
	"time"

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
		Address: c.Address, Summary: models.Ellipsis(c.Details, summaryRunes),
		Expect: models.Ellipsis(c.Expectation, summaryRunes), At: c.CreatedAt,
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

// supplementHold is how long the department's supplement card waits: the
// resident supplies phone, name and expectation one message at a time, and
// of the cards made meanwhile only the last is posted (issue 14: no floods;
// the group robots cannot change a card once sent).
const supplementHold = 20 * time.Second

// SupplementKey is the card identity of a case's supplement card to its
// department.
func SupplementKey(number string) string { return "supplement_" + number }

// alertPlace is where a major case's leadership card goes: the card of
// the earlier major cases of its place (key, with their cases), or its
// own; completed marks the supplement of an emergency filing, a later
// state of that card.
type alertPlace struct {
	group     []*models.Case
	key       string
	completed bool
}

// find looks up the earlier major cases of c's place (none without an
// address or for an ordinary case).
func (p *alertPlace) find(ctx context.Context, r *remind.Service, c *models.Case) error {
	if !c.Major {
		return nil
	}
	var err error
	p.group, p.key, err = r.AreaGroup(ctx, c)
	return err
}

// cardRows returns the outbox rows that carry c's card to its department's
// group and, for a major case, to leadership (policy 4.1.3: report to
// leadership within half an hour): one card per place, updated as
// households join and when an emergency's details are supplemented.
func (s *Service) cardRows(c *models.Case, title string, place alertPlace) ([]models.Outbox, error) {
	msg := bot.Message{Card: ptr(s.Card(c, title))}
	if place.completed {
		msg.Card.TaskID = SupplementKey(c.Number)
	}
	rows, err := s.groupRows(c, s.policy.Department(c.Department).Group, c.Department, msg)
	if place.completed {
		for i := range rows {
			rows[i].NextAt = s.clock.Now().Add(supplementHold)
		}
	}
	if err != nil || !c.Major {
		return rows, err
	}
	if s.remind != nil { // the leaders' group, the leader in charge and the GM, with an acknowledge button
		headline := title
		if place.completed {
			headline = "紧急投诉（已补充信息）"
		}
		alert, err := s.remind.AlertRows(c, place.group, place.key, headline, place.completed)
		return append(rows, alert...), err
	}
	major := msg
	major.Card = ptr(s.Card(c, "重大投诉："+title))
	leaders, err := s.groupRows(c, s.policy.LeadersGroup, "leaders", major)
	return append(rows, leaders...), err
}

// groupRows addresses msg to every platform configured for group g, or to
// the local sink when none is (embedded demo without credentials).
func (s *Service) groupRows(c *models.Case, g policy.Group, audience string, msg bot.Message) ([]models.Outbox, error) {
	return address.Rows(c.ID, address.Book{DingTalkCards: s.dingtalkCards}.Group(g, audience), msg)
}

func ptr[T any](v T) *T { return &v }
