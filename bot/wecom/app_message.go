package wecom

import (
	"context"
	"fmt"
	"strings"

	"tapline/bot"
)

// Send delivers msg to the WeCom users in target ("zhangsan|lisi") through
// POST /cgi-bin/message/send:
//
//   - a card with buttons → template_card button_interaction, task_id =
//     Card.TaskID or one derived from the case number (clicks come back as
//     template_card_event on the app callback);
//   - a card without buttons → template_card text_notice opening Card.URL,
//     or markdown when the card has no URL (text_notice requires one);
//   - text → text.
//
// Errors wrap bot.ErrPermanent when WeCom refuses for good (all recipients
// invalid 81013, no privilege 60011, malformed message), are a
// *bot.RetryAfterError on frequency limits (45009, 45033), and are
// retryable otherwise. Recipients WeCom reports as invalid while others
// got the message are logged, not failed.
func (s *AppSender) Send(ctx context.Context, target string, msg bot.Message) error {
	_, err := s.SendMessage(ctx, target, msg)
	return err
}

// SentMessage is what WeCom answered to a sent message.
type SentMessage struct {
	MsgID        string
	TaskID       string // task_id of a template card, "" otherwise
	ResponseCode string // lets UpdateCard change the card once (72 h), e.g. after a text command
}

// SendMessage is Send returning the message id, task_id and response_code.
func (s *AppSender) SendMessage(ctx context.Context, target string, msg bot.Message) (SentMessage, error) {
	if strings.Trim(target, "| ") == "" {
		return SentMessage{}, fmt.Errorf("wecom app send: empty target: %w", bot.ErrPermanent)
	}
	body, taskID, err := s.payload(target, msg)
	if err != nil {
		return SentMessage{}, fmt.Errorf("wecom app send: %w", err)
	}
	ans, err := s.call(ctx, "message/send", body)
	if err != nil {
		return SentMessage{}, err
	}
	if len(ans.InvalidUser) > 0 {
		s.log.Warn("some recipients are invalid", "count", len(ans.InvalidUser))
	}
	return SentMessage{MsgID: ans.MsgID, TaskID: taskID, ResponseCode: ans.ResponseCode}, nil
}

// payload builds the message/send body and returns the card's task_id.
func (s *AppSender) payload(target string, msg bot.Message) (body map[string]any, taskID string, err error) {
	body = map[string]any{"touser": target, "agentid": s.agentID}
	switch c := msg.Card; {
	case c != nil && (len(c.Buttons) > 0 || httpURL(c.URL)):
		if taskID, err = taskIDFor(c, s.clock.Now()); err != nil {
			return nil, "", err
		}
		tc, err := buildCard(c, taskID)
		if err != nil {
			return nil, "", err
		}
		body["msgtype"], body["template_card"] = "template_card", tc
	case c != nil:
		body["msgtype"], body["markdown"] = "markdown", map[string]string{"content": CardMarkdown(c)}
	case msg.File != nil && httpURL(msg.File.URL):
		body["msgtype"], body["textcard"] = "textcard", fileCard(msg.File)
	case strings.TrimSpace(msg.Text) != "":
		body["msgtype"], body["text"] = "text", map[string]string{"content": truncateBytes(msg.Text, maxTextBytes)}
	default:
		return nil, "", fmt.Errorf("empty message: %w", bot.ErrPermanent)
	}
	return body, taskID, nil
}

// UpdateCard replaces the buttons of a sent button card, for every
// recipient, by one grey button reading c.Status (e.g. "已处理：张三 批准";
// "已处理" when empty): POST /cgi-bin/message/update_template_card with
// button.replace_name (document 94945 "更新按钮为不可点击状态").
// responseCode is the one of the click callback (Update.ResponseCode) or
// of the send; each is usable once, within 72 hours. userIDs limits the
// update to those users; empty means everyone the card was sent to
// (atall). Errors follow Send.
func (s *AppSender) UpdateCard(ctx context.Context, userIDs []string, responseCode string, c bot.Card) error {
	if responseCode == "" {
		return fmt.Errorf("wecom app update card: empty response_code: %w", bot.ErrPermanent)
	}
	name := field(c.Status, maxReplaceNameRunes)
	if name == "" {
		name = "已处理"
	}
	body := map[string]any{
		"agentid":       s.agentID,
		"response_code": responseCode,
		"button":        map[string]string{"replace_name": name},
	}
	if len(userIDs) > 0 {
		body["userids"] = userIDs
	} else {
		body["atall"] = 1
	}
	_, err := s.call(ctx, "message/update_template_card", body)
	return err
}

// ReplaceCard replaces a sent button card, for everyone it was sent to, by
// c rendered under the card's task_id (update_template_card with
// template_card, document 94945 "更新为新的卡片"). responseCode is the one of
// the send or of a click; each is usable once, within 72 hours. It returns
// a response_code when WeCom's answer carries one (documented for sends and
// clicks only). Errors follow Send.
func (s *AppSender) ReplaceCard(ctx context.Context, responseCode, taskID string, c bot.Card) (string, error) {
	if responseCode == "" {
		return "", fmt.Errorf("wecom app replace card: empty response_code: %w", bot.ErrPermanent)
	}
	tc, err := buildCard(&c, taskID)
	if err != nil {
		return "", fmt.Errorf("wecom app replace card: %w", err)
	}
	body := map[string]any{"agentid": s.agentID, "response_code": responseCode, "atall": 1, "template_card": tc}
	ans, err := s.call(ctx, "message/update_template_card", body)
	if err != nil {
		return "", err
	}
	return ans.ResponseCode, nil
}

// fileCard is a file as a WeCom app text card (msgtype textcard: title ≤ 128
// bytes, description ≤ 512 bytes, the signed download link and its button):
// a report asked for in the person's own chat comes back there.
func fileCard(f *bot.File) map[string]string {
	desc := f.Note
	if desc == "" {
		desc = "点击下载（链接有时效）"
	}
	return map[string]string{"title": truncateBytes(f.Name, 128), "description": truncateBytes(desc, 512),
		"url": f.URL, "btntxt": "下载"}
}
