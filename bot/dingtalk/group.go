package dingtalk

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"tapline/bot"
)

// maxBatchUsers is the most userIds one oToMessages/batchSend takes.
const maxBatchUsers = 20

// GroupSender pushes messages into a group chat as the app robot:
// POST /v1.0/robot/groupMessages/send. Send's target is the group's
// openConversationId ("cid…").
type GroupSender struct {
	api *OpenAPI
}

var _ bot.Sender = (*GroupSender)(nil)

// NewGroupSender returns a group sender using api's credentials and token.
func NewGroupSender(api *OpenAPI) *GroupSender { return &GroupSender{api: api} }

// Send delivers msg to the group. Errors wrap bot.ErrPermanent for an empty
// target or message and for 4xx refusals (robot not in the group, bad
// conversation ID …), are a *bot.RetryAfterError on rate limits, and are
// retryable for 5xx and transport failures.
func (s *GroupSender) Send(ctx context.Context, target string, msg bot.Message) error {
	if strings.TrimSpace(target) == "" {
		return fmt.Errorf("dingtalk group send: empty openConversationId: %w", bot.ErrPermanent)
	}
	key, param, err := openAPIMessage(msg, s.api.opt.command)
	if err != nil {
		return fmt.Errorf("dingtalk group send: %w", err)
	}
	body := map[string]string{
		"robotCode":          s.api.cfg.RobotCode,
		"openConversationId": target,
		"msgKey":             key,
		"msgParam":           param,
	}
	return s.api.post(ctx, "group send", "/v1.0/robot/groupMessages/send", body, nil)
}

// OneToOneSender sends messages into the 1:1 chats between the app robot
// and staff members: POST /v1.0/robot/oToMessages/batchSend. Send's target
// is one staff (user) ID or up to 20 joined by "|".
type OneToOneSender struct {
	api *OpenAPI
}

var _ bot.Sender = (*OneToOneSender)(nil)

// NewOneToOneSender returns a 1:1 sender using api's credentials and token.
func NewOneToOneSender(api *OpenAPI) *OneToOneSender { return &OneToOneSender{api: api} }

// Send delivers msg to every staff ID in target. IDs DingTalk reports as
// invalid or flow-controlled are logged; the send fails (retryably) only
// when every recipient was flow-controlled, and permanently when every
// recipient was invalid, so a retry never repeats a delivered message.
func (s *OneToOneSender) Send(ctx context.Context, target string, msg bot.Message) error {
	ids := splitIDs(target)
	if len(ids) == 0 || len(ids) > maxBatchUsers {
		return fmt.Errorf("dingtalk 1:1 send: %d user IDs, want 1..%d: %w", len(ids), maxBatchUsers, bot.ErrPermanent)
	}
	key, param, err := openAPIMessage(msg, s.api.opt.command)
	if err != nil {
		return fmt.Errorf("dingtalk 1:1 send: %w", err)
	}
	body := map[string]any{"robotCode": s.api.cfg.RobotCode, "userIds": ids, "msgKey": key, "msgParam": param}
	var ans struct {
		Invalid   []string `json:"invalidStaffIdList"`
		Throttled []string `json:"flowControlledStaffIdList"`
	}
	if err := s.api.post(ctx, "1:1 send", "/v1.0/robot/oToMessages/batchSend", body, &ans); err != nil {
		return err
	}
	if len(ans.Invalid) > 0 || len(ans.Throttled) > 0 {
		s.api.opt.log.WarnContext(ctx, "dingtalk: 1:1 send partly refused",
			"users", len(ids), "invalid", len(ans.Invalid), "flow_controlled", len(ans.Throttled))
	}
	switch {
	case len(ans.Invalid) == len(ids):
		return &OpenAPIError{Op: "1:1 send", Status: 200, Code: "invalidStaffIdList", Msg: "no valid user ID", Permanent: true}
	case len(ans.Throttled) == len(ids):
		e := &OpenAPIError{Op: "1:1 send", Status: 200, Code: "flowControlledStaffIdList", Msg: "all users flow-controlled"}
		return &bot.RetryAfterError{After: s.api.opt.wait, Err: e}
	}
	return nil
}

// splitIDs splits a "|"-joined target, dropping blanks.
func splitIDs(target string) []string {
	var ids []string
	for _, id := range strings.Split(target, "|") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// openAPIMessage returns the msgKey and the msgParam JSON *string* of the
// robot message templates: sampleText {content}, sampleMarkdown {title,
// text}, sampleActionCard {title, text, singleTitle, singleURL}.
func openAPIMessage(msg bot.Message, cmd CommandFunc) (key, param string, err error) {
	r, err := render(msg, cmd)
	if err != nil {
		return "", "", err
	}
	var p map[string]string
	switch r.kind {
	case kindText:
		key, p = "sampleText", map[string]string{"content": r.text}
	case kindActionCard:
		key, p = "sampleActionCard", map[string]string{
			"title": r.title, "text": r.text, "singleTitle": r.singleTitle, "singleURL": r.singleURL}
	default:
		key, p = "sampleMarkdown", map[string]string{"title": r.title, "text": r.text}
	}
	buf, err := json.Marshal(p)
	if err != nil {
		return "", "", fmt.Errorf("encode msgParam: %v: %w", err, bot.ErrPermanent)
	}
	return key, string(buf), nil
}
