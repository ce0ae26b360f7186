package casework

import (
	"context"
	"fmt"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/models"
)

// EventPhoneCall records that WeChat could not reach the resident and the
// hotline was asked to call them.
const EventPhoneCall = "phone_call_needed"

// FlagPhoneCall is called when a message to the resident of case caseID
// could not be delivered through WeChat (outside the 48-hour window and no
// template, or refused): the case gets an event and the hotline group a
// request to phone the resident (policy 3.1, 4.3.3). The card names the
// case only; the phone number is in the case record.
func (s *Service) FlagPhoneCall(ctx context.Context, caseID uint64, why string) error {
	for range applyAttempts {
		c, err := s.work.FindCaseByID(ctx, caseID)
		if err != nil {
			return fmt.Errorf("casework: flag phone call: %w", err)
		}
		o := s.outbox(c)
		o.dept(policy.DeptHotline, bot.Message{Text: fmt.Sprintf(
			"投诉 %s 的居民无法通过微信联系（%s）。请电话联系居民，告知最新处理情况。", c.Number, why)})
		if o.err != nil {
			return o.err
		}
		t := &models.Transition{CaseID: c.ID, Version: c.Version, ToStatus: c.Status, Outbox: o.rows,
			Event: models.CaseEvent{Type: EventPhoneCall, Actor: "system", Role: "system", Channel: "outbox",
				FromStatus: c.Status, ToStatus: c.Status, Text: "微信消息无法送达，已请热线电话联系：" + why}}
		_, err = s.work.Apply(ctx, t)
		switch models.ErrorCode(err) {
		case "":
			s.enqueue(ctx, t.Outbox)
			return nil
		case models.ECONFLICT:
			continue
		default:
			return fmt.Errorf("casework: flag phone call on %s: %w", c.Number, err)
		}
	}
	return models.Errorf(models.ECONFLICT, "case %d kept changing", caseID)
}
