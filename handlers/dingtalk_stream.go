package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"tapline/bot"

	"tapline/bot/dingtalk"
	"tapline/bot/dingtalk/stream"
)

// NewDingTalkStream returns the handler of the DingTalk Stream
// connection's frames (stream.Handler) on d: the same collaborators as New
// (dedupe, raw records, casework, outbox), without the HTTP engine.
func NewDingTalkStream(d Deps) stream.Handler {
	if d.ReplyBudget == 0 {
		d.ReplyBudget = 4 * time.Second
	}
	if d.Clock == nil {
		d.Clock = bot.SystemClock{}
	}
	s := &Server{Deps: d, log: d.Logger.With("component", "dingtalk.stream")}
	s.refusals = newLogLimiter(d.Clock.Now, refusalBurst, refusalRate)
	return s.DingTalkFrame
}

// DingTalkFrame handles one frame of the DingTalk Stream connection
// (dingtalk.mode stream) on the same step path as the webhooks: a robot
// message like POST /webhooks/dingtalk, a card click like POST
// /webhooks/dingtalk/card. The step dedupes and records the message
// before it returns, and the frame is ACKed after it returns, so a frame
// redelivered after a lost ACK is not handled again. A frame that cannot
// be decoded is ACKed (it would never decode) and logged; without
// DingTalk configured the frame is left un-ACKed.
func (s *Server) DingTalkFrame(ctx context.Context, topic string, data []byte) ([]byte, error) {
	if s.DingTalk == nil || s.Staff == nil {
		return nil, errors.New("dingtalk not configured")
	}
	switch topic {
	case stream.TopicRobot:
		in, err := s.DingTalk.OpenStream(data)
		if err != nil {
			s.log.Warn("dingtalk stream frame dropped", "topic", topic, "err", err)
			return nil, nil
		}
		s.stepDingTalk(ctx, in)
		return nil, nil
	case stream.TopicCard:
		click, err := dingtalk.DecodeCardClick(data)
		if err != nil {
			s.log.Warn("dingtalk stream frame dropped", "topic", topic, "err", err)
			return nil, nil
		}
		return json.Marshal(map[string]any{"response": dingtalk.ClickResponse(s.clickDingTalk(ctx, click))})
	}
	s.log.Info("dingtalk stream frame of an unknown topic", "topic", topic)
	return nil, nil
}
