package wecom

// This file keeps the cards the self-built app sent up to date in place
// (bot.Card.TaskID and Update): update_template_card needs a response_code,
// which WeCom hands out with each sent card and each click, each usable
// once, for 72 hours (PLATFORMS.md §2.2).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"tapline/bot"
)

// codeLife is how long WeCom accepts a response_code.
const codeLife = 72 * time.Hour

// CardCode is a response_code that can update a sent card once: the
// card's WeCom task_id and when the code was issued.
type CardCode struct {
	TaskID string    `json:"task_id"`
	Code   string    `json:"code"`
	At     time.Time `json:"at"`
}

// CardCodes keeps the response codes of sent cards, shared by every
// replica (redisstore.CardCodes). key names one card to one target.
type CardCodes interface {
	// Put keeps a code for the card key.
	Put(ctx context.Context, key string, c CardCode) error
	// Take removes and returns the oldest code of key issued after
	// notBefore; ok is false when there is none.
	Take(ctx context.Context, key string, notBefore time.Time) (c CardCode, ok bool, err error)
}

// AppCards sends app messages (bot.Sender for the WeCom app channel) and
// updates its cards in place: a card with a TaskID is sent under a task_id
// of its own and its response_code kept; a later state of it
// (Card.Update) replaces it for everyone it was sent to with a kept code.
// With no code left (the send's was spent and nobody clicked since) the
// later state is sent as a new card, whose code serves the next update.
type AppCards struct {
	app   *AppSender
	codes CardCodes
	log   *slog.Logger
}

var _ bot.Sender = (*AppCards)(nil)

// NewAppCards returns an AppCards sending through app and keeping codes in
// codes.
func NewAppCards(app *AppSender, codes CardCodes) *AppCards {
	return &AppCards{app: app, codes: codes, log: app.log}
}

// Send implements bot.Sender.
func (a *AppCards) Send(ctx context.Context, target string, msg bot.Message) error {
	c := msg.Card
	if c == nil || c.TaskID == "" {
		return a.app.Send(ctx, target, msg)
	}
	key := c.TaskID + "|" + target
	if c.Update {
		done, err := a.replace(ctx, key, *c)
		if done || err != nil {
			return err
		}
		a.log.Info("card has no response_code left; its later state goes as a new card", "card", c.TaskID)
	}
	return a.send(ctx, key, target, *c)
}

// send posts c as a new card under a task_id of its own and keeps its code.
func (a *AppCards) send(ctx context.Context, key, target string, c bot.Card) error {
	now := a.app.clock.Now()
	tid, err := taskIDFor(&bot.Card{CaseNumber: c.TaskID}, now)
	if err != nil {
		return err
	}
	c.TaskID, c.Update = tid, false
	sent, err := a.app.SendMessage(ctx, target, bot.Message{Card: &c})
	if err != nil {
		return err
	}
	a.keep(ctx, key, CardCode{TaskID: sent.TaskID, Code: sent.ResponseCode, At: now})
	return nil
}

// replace updates the card of key in place with a kept code; done is false
// when no code could be used.
func (a *AppCards) replace(ctx context.Context, key string, c bot.Card) (done bool, err error) {
	now := a.app.clock.Now()
	for {
		code, ok, err := a.codes.Take(ctx, key, now.Add(-codeLife))
		if err != nil {
			return false, fmt.Errorf("wecom app card codes: %w", err)
		}
		if !ok {
			return false, nil
		}
		c.TaskID = code.TaskID
		next, err := a.app.ReplaceCard(ctx, code.Code, code.TaskID, c)
		switch {
		case err == nil:
			a.keep(ctx, key, CardCode{TaskID: code.TaskID, Code: next, At: now})
			return true, nil
		case errors.Is(err, bot.ErrPermanent): // spent or refused: try the next code
			a.log.Warn("response_code refused; trying the next", "card", code.TaskID, "err", err)
		default: // not known to have reached WeCom: the code may be unused
			a.keep(ctx, key, code)
			return false, err
		}
	}
}

// keep stores a code; a code that cannot be stored only costs a later
// update its place (it goes as a new card), so it is logged.
func (a *AppCards) keep(ctx context.Context, key string, c CardCode) {
	if strings.TrimSpace(c.Code) == "" {
		return
	}
	if err := a.codes.Put(ctx, key, c); err != nil {
		a.log.Warn("keep response_code", "card", c.TaskID, "err", err)
	}
}
