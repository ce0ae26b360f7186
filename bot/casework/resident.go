package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"tapline/bot"
	"tapline/models"
)

// residentCasesLimit bounds how many of a resident's cases are looked at.
const residentCasesLimit = 20

// Resident words for answering measures or an explanation (policy 4.3.2);
// rejections are matched first (不满意 before 满意).
var (
	residentRejectWords = []string{"不接受", "不满意", "不同意", "不认可", "拒绝"}
	residentAcceptWords = []string{"接受", "满意", "同意", "认可", "没问题"}
)

// Resident handles a resident's WeChat message before the intake dialog:
// an answer to measures or an unfounded explanation put to them (接受 /
// 不接受 原因, policy 4.3.2), or the answer to a question a department
// asked (policy 4.2.2). handled=false means the message is not about such
// a case and the intake dialog takes it.
func (s *Service) Resident(ctx context.Context, u bot.Update) (bot.Reply, bool, error) {
	if u.Platform != bot.PlatformWeChat || u.SenderID == "" {
		return bot.Reply{}, false, nil
	}
	if u.Kind != bot.KindText && u.Kind != bot.KindVoice && u.Kind != bot.KindImage {
		return bot.Reply{}, false, nil
	}
	if u.Kind != bot.KindImage {
		if reply, handled, err := s.rating(ctx, u, Normalize(u.Text)); handled {
			return reply, true, err
		}
	}
	cs, waiting, err := s.residentCases(ctx, u.SenderID)
	if err != nil || !waiting {
		return bot.Reply{}, false, err
	}
	msg := Normalize(u.Text)
	if num := numberRe.FindString(msg); num != "" {
		cs = slices.DeleteFunc(cs, func(c *models.Case) bool { return !strings.EqualFold(c.Number, num) })
		msg = strings.TrimSpace(strings.Replace(msg, num, "", 1))
	}
	a := Actor{ID: u.SenderID, Name: "居民", Role: roleResident, Platform: bot.PlatformWeChat}
	if action, reason, ok := residentAnswer(msg); ok && u.Kind != bot.KindImage {
		if reply, handled, err := s.residentDecision(ctx, a, cs, action, reason); handled {
			return reply, true, err
		}
	}
	return s.residentReply(ctx, a, cs, u, msg)
}

// residentCases returns the resident's newest cases; waiting=false when
// none of them waits for the resident, known from the pending hint
// without reading them for most messages.
func (s *Service) residentCases(ctx context.Context, residentID string) (cs []*models.Case, waiting bool, err error) {
	known, mark := s.checkPending(ctx, residentID)
	if known {
		return nil, false, nil
	}
	cs, _, err = s.cases.FindCases(ctx, models.CaseFilter{ResidentID: residentID, Limit: residentCasesLimit})
	if err != nil {
		return nil, false, fmt.Errorf("casework: resident cases: %w", err)
	}
	if mark != nil && s.nothingPending(ctx, cs) {
		mark()
		return nil, false, nil
	}
	return cs, true, nil
}

// residentAnswer reads 接受 / 不接受 <原因>.
func residentAnswer(msg string) (action, reason string, ok bool) {
	for _, w := range residentRejectWords {
		if strings.HasPrefix(msg, w) {
			return ActResidentReject, strings.TrimSpace(strings.TrimLeft(msg[len(w):], separators)), true
		}
	}
	for _, w := range residentAcceptWords {
		if strings.HasPrefix(msg, w) {
			return ActResidentAccept, strings.TrimSpace(strings.TrimLeft(msg[len(w):], separators)), true
		}
	}
	return "", "", false
}

// residentDecision applies the resident's answer to their one case in
// negotiation; handled=false when none is waiting for it.
func (s *Service) residentDecision(ctx context.Context, a Actor, cs []*models.Case, action, reason string) (bot.Reply, bool, error) {
	var neg []*models.Case
	for _, c := range cs {
		if c.Status == models.StatusNegotiating {
			neg = append(neg, c)
		}
	}
	switch len(neg) {
	case 0:
		return bot.Reply{}, false, nil
	case 1:
		reply, err := s.act(ctx, a, Command{Action: action, Number: neg[0].Number, Text: reason})
		return reply, true, err
	}
	var nums []string
	for _, c := range neg {
		nums = append(nums, c.Number)
	}
	return text(fmt.Sprintf("您有 %d 件投诉等待您的答复（%s），请在回复中带上编号，例如：接受 %s",
		len(neg), strings.Join(nums, "、"), nums[0])), true, nil
}

// residentReply relays the answer to the newest open question a
// department asked the resident within the question TTL.
func (s *Service) residentReply(ctx context.Context, a Actor, cs []*models.Case, u bot.Update, msg string) (bot.Reply, bool, error) {
	for _, c := range cs {
		if !slices.Contains(table[ActAsk].From, c.Status) {
			continue
		}
		w, err := s.work.CaseWork(ctx, c.ID)
		if err != nil {
			return bot.Reply{}, false, fmt.Errorf("casework: resident reply: %w", err)
		}
		if !s.questionOpen(w) {
			continue
		}
		answer := msg
		if u.Kind == bot.KindImage {
			answer = strings.TrimSpace("[照片] " + u.PicURL)
		}
		return s.relayAnswer(ctx, a, c, answer)
	}
	return bot.Reply{}, false, nil
}

// relayAnswer records the resident's answer on the case and sends it to
// the department's group, clearing the question.
func (s *Service) relayAnswer(ctx context.Context, a Actor, c *models.Case, answer string) (bot.Reply, bool, error) {
	for range applyAttempts {
		st, err := s.load(ctx, c)
		if err != nil {
			return bot.Reply{}, false, err
		}
		q := st.w.PendingQuestion
		if q == "" {
			return bot.Reply{}, false, nil // answered meanwhile
		}
		d := s.begin(a, EventResidentAnswer, "", st, answer)
		d.w.PendingQuestion, d.w.QuestionBy, d.w.QuestionAt = "", "", nil
		d.out.dept(c.Department, textMsg("居民回复（投诉 %s）\n问：%s\n答：%s", c.Number, q, answer))
		out, err := d.finish("")
		if err != nil {
			return bot.Reply{}, false, err
		}
		_, err = s.work.Apply(ctx, out.t)
		if models.ErrorCode(err) == models.ECONFLICT {
			if c, err = s.cases.FindCaseByNumber(ctx, c.Number); err != nil {
				return bot.Reply{}, false, fmt.Errorf("casework: relay answer: %w", err)
			}
			continue
		}
		if err != nil {
			return text(txtUnavailable), true, fmt.Errorf("casework: relay answer: %w", err)
		}
		s.enqueue(ctx, out.t.Outbox)
		return text(fmt.Sprintf("已收到您的回复，已转告处理投诉 %s 的工作人员。", c.Number)), true, nil
	}
	return text(txtBusy), true, nil
}
