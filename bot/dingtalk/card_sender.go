package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"tapline/bot"
)

// Targets of the DingTalk card channel (models.ChannelDingTalkCard).
const (
	CardTargetGroup = "group:" // + openConversationId: a new card in a group
	CardTargetUser  = "user:"  // + staff user ID: a new card in the 1:1 chat with the app robot
	CardTargetCard  = "card:"  // + outTrackId: a later state of a delivered card (a click's update)
)

// CardSender delivers outbox rows of the DingTalk card channel as
// interactive cards: a new card is created and delivered under an
// outTrackId derived from the card's identity and the target, a later
// state (bot.Card.Update) updates that card in place for everyone who
// sees it; a card: target (after a click) changes only its status and
// buttons. Retries are idempotent: a card that already exists is updated
// instead, an update of a card that never arrived creates it.
type CardSender struct {
	api *OpenAPI
	cfg CardConfig
}

var _ bot.Sender = (*CardSender)(nil)

// NewCardSender returns a CardSender creating instances of cfg.TemplateID.
func NewCardSender(api *OpenAPI, cfg CardConfig) (*CardSender, error) {
	if api == nil || cfg.TemplateID == "" {
		return nil, errors.New("dingtalk: card sender: open API client and card template ID are required")
	}
	return &CardSender{api: api, cfg: cfg}, nil
}

// GroupTarget is the card channel's target for a group.
func GroupTarget(openConversationID string) string { return CardTargetGroup + openConversationID }

// UserTarget is the card channel's target for one person's 1:1 chat.
func UserTarget(staffID string) string { return CardTargetUser + staffID }

// Send implements bot.Sender. A text becomes a card without buttons, a
// file with an https link a card that opens it; another file cannot go on
// this channel (permanent).
func (s *CardSender) Send(ctx context.Context, target string, msg bot.Message) error {
	card, err := cardOf(msg)
	if err != nil {
		return err
	}
	if id, ok := strings.CutPrefix(target, CardTargetCard); ok && id != "" {
		return s.api.UpdateCard(ctx, id, StatusParams(card))
	}
	space, err := parseSpace(target)
	if err != nil {
		return err
	}
	id := OutTrackID(card, target)
	if card.Update {
		err := s.api.UpdateCard(ctx, id, CardParams(card))
		if !errors.Is(err, ErrCardNotFound) {
			return err
		}
		c := *card // never arrived: deliver the state as the card itself
		c.Update = false
		card = &c
	}
	params := CardParams(card)
	err = s.api.CreateAndDeliver(ctx, s.cfg, space, id, params)
	if errors.Is(err, ErrCardExists) { // an earlier attempt got through
		return s.api.UpdateCard(ctx, id, params)
	}
	return err
}

// cardOf is the card a message shows.
func cardOf(msg bot.Message) (*bot.Card, error) {
	switch {
	case msg.Card != nil:
		return msg.Card, nil
	case msg.File != nil && strings.HasPrefix(msg.File.URL, "https://"):
		// a published file (the ledger, a chart) as a card opening its signed link
		return &bot.Card{Title: msg.File.Name, Summary: msg.File.Note, URL: msg.File.URL}, nil
	case msg.File != nil:
		return nil, fmt.Errorf("dingtalk card: a file needs an https link to be shown: %w", bot.ErrPermanent)
	case strings.TrimSpace(msg.Text) != "":
		return &bot.Card{Title: "通知", Summary: truncateRunes(msg.Text, maxTextRunes)}, nil
	}
	return nil, fmt.Errorf("dingtalk card: empty message: %w", bot.ErrPermanent)
}

// parseSpace reads a group: or user: target.
func parseSpace(target string) (Space, error) {
	if cid, ok := strings.CutPrefix(target, CardTargetGroup); ok && cid != "" {
		return Space{Group: cid}, nil
	}
	if uid, ok := strings.CutPrefix(target, CardTargetUser); ok && uid != "" {
		return Space{User: uid}, nil
	}
	return Space{}, fmt.Errorf("dingtalk card: target %q is not group:…, user:… or card:…: %w",
		truncateRunes(target, 12), bot.ErrPermanent)
}
