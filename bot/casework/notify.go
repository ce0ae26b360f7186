package casework

import (
	"fmt"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// summaryRunes bounds texts shown on cards.
const summaryRunes = 200

// outbox collects the rows of one transition; the first error sticks.
type outbox struct {
	s    *Service
	c    *models.Case
	rows []models.Outbox
	err  error
}

func (s *Service) outbox(c *models.Case) *outbox { return &outbox{s: s, c: c} }

// add encodes msg for channel and target.
func (o *outbox) add(channel, target, audience string, msg bot.Message) {
	kind, payload, err := notify.EncodeMessage(msg)
	if err != nil {
		o.err = fmt.Errorf("casework: outbox payload: %w", err)
		return
	}
	o.rows = append(o.rows, models.Outbox{CaseID: o.c.ID, Channel: channel, Target: target,
		Audience: audience, Kind: kind, Payload: payload, Status: models.OutboxPending})
}

// dept sends msg to a department's group.
func (o *outbox) dept(key string, msg bot.Message) { o.to(o.s.book().Dept(key), msg) }

// leaders sends msg to the leaders' group.
func (o *outbox) leaders(msg bot.Message) { o.to(o.s.book().Leaders(), msg) }

// person sends msg to one staff member directly (WeCom app), when a direct
// channel is configured.
func (o *outbox) person(st *policy.Staff, msg bot.Message) { o.to(o.s.book().Person(st), msg) }

// to adds msg for each destination.
func (o *outbox) to(dests []address.Dest, msg bot.Message) {
	for _, d := range dests {
		o.add(d.Channel, d.Target, d.Audience, msg)
	}
}

// book resolves the policy's groups and people.
func (s *Service) book() address.Book {
	return address.Book{Policy: s.policy, Direct: s.directChannel, DingTalkCards: s.dingtalkCards}
}

// resident sends plain Chinese text to the resident who filed the case
// (PRODUCT A5); cases without a WeChat resident get nothing. Internal notes
// never go through here.
func (o *outbox) resident(format string, args ...any) {
	if o.c.ResidentID == "" {
		return
	}
	o.add(o.s.residentChannel, o.c.ResidentID, "resident", bot.Message{Text: fmt.Sprintf(format, args...)})
}

// approver returns who approves c's measures (policy 4.2.7): the GM for a
// major case, else the leader in charge of its department (policy 3.9).
func (s *Service) approver(c *models.Case) *policy.Staff {
	if c.Major {
		return s.policy.Staff(s.policy.GM)
	}
	if l := s.policy.LeaderOf(c.Department); l != nil {
		return s.policy.Staff(l.ID)
	}
	return nil
}

// card builds a case card with personal data masked (ARCHITECTURE:
// personal data is masked in group chats).
func (s *Service) card(c *models.Case, title, summary string, buttons ...bot.Button) *bot.Card {
	card := &bot.Card{
		Title: title, CaseNumber: c.Number, Major: c.Major, MajorWhy: remind.CriterionName(c.MajorReason),
		Name: models.MaskName(c.Name), Phone: models.MaskPhone(c.Phone), Address: c.Address,
		Summary: models.Ellipsis(summary, summaryRunes), Expect: models.Ellipsis(c.Expectation, summaryRunes),
		At: s.clock.Now(), Status: StatusName(c.Status), Buttons: buttons,
		Department: s.deptName(c.Department),
	}
	if cat := s.policy.Category(c.Category); cat != nil {
		card.Category = cat.Name
	}
	if s.baseURL != "" {
		card.URL = s.baseURL + "/console/cases/" + c.Number // the case page (signs in first)
	}
	return card
}

// button is a card action.
func button(action, number string, v, style int, label string) bot.Button {
	return bot.Button{Key: Key(action, number, v), Text: label, Style: style}
}

// textMsg is a plain text message.
func textMsg(format string, args ...any) bot.Message {
	return bot.Message{Text: fmt.Sprintf(format, args...)}
}

// updateClickedCard adds the row that replaces a clicked WeCom app card for
// every recipient (update_template_card), so nobody else presses a button
// that no longer applies.
func (s *Service) updateClickedCard(a Actor, cmd Command, c *models.Case, t *models.Transition) error {
	if cmd.ResponseCode == "" {
		return nil
	}
	o := s.outbox(c)
	status := "已处理：" + a.Name + " " + actionLabel(cmd.Action)
	channel := models.ChannelWeComCardUpdate // the response code of the clicked WeCom card
	if a.Platform == bot.PlatformDingTalk {
		channel = models.ChannelDingTalkCard // card:<outTrackId> of the clicked DingTalk card
	}
	o.add(channel, cmd.ResponseCode, a.ID,
		bot.Message{Card: &bot.Card{Title: status, CaseNumber: c.Number, Status: status}})
	t.Outbox = append(t.Outbox, o.rows...)
	return o.err
}

// actionLabel names an action for a card's status line.
func actionLabel(action string) string {
	labels := map[string]string{ActAccept: "接单", ActApprove: "批准", ActReject: "驳回", ActConfirm: "确认效果",
		ActAck: "已阅"}
	if l, ok := labels[action]; ok {
		return l
	}
	return action
}
