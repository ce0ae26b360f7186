package remind

import (
	"context"
	"fmt"
	"time"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/models"
)

// Timing of leadership cards.
const (
	// DefaultAlertSettle is how long an update of a card waits, so that
	// the states of a burst (households filing within moments, a
	// supplement right after the filing) go out as one.
	DefaultAlertSettle = time.Minute
	// DefaultAlertHold is how long the alert of a major case filed without
	// an address waits for it (the emergency dialog asks for it next):
	// with the address the alert can join the card of the other
	// households of the place. It goes out then anyway (policy 4.1.3
	// allows half an hour).
	DefaultAlertHold = 2 * time.Minute
	// maxAckButtons bounds the 已阅 buttons of a card of several cases.
	maxAckButtons = 3
)

// CardKey is the TaskID of the leadership card named after a case.
func CardKey(number string) string { return "major_" + number }

// Alert returns the rows that report a major case to leadership at once
// (policy 4.1.3): its card, with an acknowledge button, to the leaders'
// group, to the leader in charge and to the GM. Personal data is masked.
// A case without an address yet waits DefaultAlertHold (see AlertRows).
func (s *Service) Alert(c *models.Case, headline string) ([]models.Outbox, error) {
	return s.AlertRows(c, nil, "", headline, false)
}

// AreaGroup returns the earlier major cases of c's category and area
// within the clustering window, oldest first, and the key of the card
// they are on: the open incident's, else the oldest case's. It returns
// nothing when c has no area or is the first.
func (s *Service) AreaGroup(ctx context.Context, c *models.Case) ([]*models.Case, string, error) {
	if c.AreaKey == "" {
		return nil, "", nil
	}
	cfg := s.plan.Policy.Clustering
	since := s.clock.Now().Add(-cfg.Window.Duration)
	cases, inc, err := s.deadlines.AreaAlerts(ctx, c.Category, c.AreaKey, since, 50)
	if err != nil {
		return nil, "", fmt.Errorf("remind: area group: %w", err)
	}
	var group []*models.Case
	for _, g := range cases {
		if g.ID != c.ID && (c.ID == 0 || g.ID < c.ID) {
			group = append(group, g)
		}
	}
	switch {
	case inc != nil && inc.CardKey != "":
		return group, inc.CardKey, nil
	case len(group) > 0:
		return group, CardKey(group[0].Number), nil
	}
	return nil, "", nil
}

// AlertRows returns the leadership rows of major case c. With a group (see
// AreaGroup) c joins the card key of the other households of its place:
// the rows update that card. Without one the card is c's own; completed
// marks the later state of c's own card (the supplement of an emergency
// filing). Updates wait DefaultAlertSettle; a new card of a case without
// an address waits DefaultAlertHold; the notify.Deliverer posts only the
// latest state of a card.
func (s *Service) AlertRows(c *models.Case, group []*models.Case, key, headline string, completed bool) ([]models.Outbox, error) {
	cases := append(append([]*models.Case(nil), group...), c)
	update := len(group) > 0 || completed
	if key == "" || len(group) == 0 {
		key = CardKey(c.Number)
	}
	if len(cases) > 1 {
		headline = fmt.Sprintf("%s %d 户反映%s%s", c.AreaKey, households(cases), s.categoryName(c.Category), numbers(cases))
	}
	now := s.clock.Now()
	at := now
	switch {
	case update:
		at = now.Add(s.settle)
	case c.AreaKey == "":
		at = now.Add(s.hold)
	}
	return s.cardRows(s.alertCard(cases, headline, key, false, update), cases[0], at)
}

// incidentRows are the rows of an incident's card under key: its cases
// (oldest first) as one group complaint (policy 4.1.3 群体性投诉).
func (s *Service) incidentRows(inc *models.Incident, cases []*models.Case, key string) ([]models.Outbox, error) {
	if key == "" {
		key = firstAlerted(cases)
	}
	headline := fmt.Sprintf("群体性事件，%s %d 户反映%s", inc.AreaKey, inc.Households, numbers(cases))
	card := s.alertCard(cases, headline, key, true, true)
	card.MajorWhy = CriterionName("group")
	return s.cardRows(card, cases[0], s.clock.Now().Add(s.settle))
}

// Withdraw drops the waiting rows of c's own card when c has joined the
// card into (an alert still held for the address, merged into the card of
// its place). Failures are logged: the held card then goes out as well.
func (s *Service) Withdraw(ctx context.Context, c *models.Case, into string) {
	s.withdraw(ctx, c, into)
}

func (s *Service) withdraw(ctx context.Context, c *models.Case, into string) {
	own := CardKey(c.Number)
	if s.outbox == nil || into == "" || into == own {
		return
	}
	if n, err := s.outbox.WithdrawCard(ctx, own, "merged into "+into); err != nil {
		s.log.WarnContext(ctx, "withdraw merged alert", "case", c.Number, "err", err)
	} else if n > 0 {
		s.log.InfoContext(ctx, "alert merged into the card of its place", "case", c.Number, "card", into, "rows", n)
	}
}

// alertCard is the leadership card of cases (oldest first) under key.
func (s *Service) alertCard(cases []*models.Case, headline, key string, incident, update bool) *bot.Card {
	lead, last := cases[0], cases[len(cases)-1]
	card := &bot.Card{
		Title: "🚨 重大投诉：" + headline, CaseNumber: lead.Number, Major: true,
		MajorWhy: CriterionName(lead.MajorReason), Name: models.MaskName(lead.Name), Phone: models.MaskPhone(lead.Phone),
		Address: lead.Address, Summary: models.Ellipsis(last.Details, 120), At: s.clock.Now(), TaskID: key, Update: update,
		Status: fmt.Sprintf("请在30分钟内确认：回复「已阅 %s」或点按钮", lead.Number),
	}
	if len(cases) > 1 { // several households: the place, not one person
		card.Name, card.Phone, card.Address = "", "", lead.AreaKey
		card.Summary = models.Ellipsis(numbers(cases)+" "+last.Details, 120)
	}
	card.Buttons = ackButtons(cases, incident)
	if cat := s.plan.Policy.Category(lead.Category); cat != nil {
		card.Category = cat.Name
	}
	if d := s.plan.Policy.Department(lead.Department); d != nil {
		card.Department = d.Name
	}
	return card
}

// ackButtons are the 已阅 buttons: one for an incident (an acknowledgement
// covers it) or a single case, else one per case of the place.
func ackButtons(cases []*models.Case, incident bool) []bot.Button {
	if incident || len(cases) == 1 {
		return []bot.Button{{Key: ActAck + ":" + cases[0].Number, Text: "已阅", Style: 1}}
	}
	var out []bot.Button
	for _, c := range cases[:min(len(cases), maxAckButtons)] {
		tail := c.Number[max(len(c.Number)-4, 0):]
		out = append(out, bot.Button{Key: ActAck + ":" + c.Number, Text: "已阅 " + tail, Style: 1})
	}
	return out
}

// cardRows addresses a leadership card to the leaders' group, the leader
// in charge of lead's department and the GM, due at at.
func (s *Service) cardRows(card *bot.Card, lead *models.Case, at time.Time) ([]models.Outbox, error) {
	p := s.plan.Policy
	dests := s.book.Leaders()
	if l := p.LeaderOf(lead.Department); l != nil {
		dests = append(dests, s.book.Person(p.Staff(l.ID))...)
	}
	dests = append(dests, s.book.Person(p.Staff(p.GM))...)
	rows, err := address.Rows(lead.ID, dests, bot.Message{Card: card})
	for i := range rows {
		rows[i].NextAt = at
	}
	return rows, err
}

// households counts the households of cases as clustering does: by
// phone, else by WeChat resident, else each case its own.
func households(cases []*models.Case) int {
	seen := map[string]bool{}
	for _, c := range cases {
		h := c.Phone
		switch {
		case h == "" && c.ResidentID != "":
			h = "r:" + c.ResidentID
		case h == "":
			h = fmt.Sprintf("c:%d", c.ID)
		}
		seen[h] = true
	}
	return len(seen)
}

// categoryName is a category's display name.
func (s *Service) categoryName(key string) string {
	if c := s.plan.Policy.Category(key); c != nil {
		return c.Name
	}
	return key
}
