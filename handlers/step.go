package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"tapline/bot"
	"tapline/models"
)

// busyText answers when Redis or a step fails; the raw message is already
// recorded.
const busyText = "系统繁忙，请稍后再发一次。您刚才的消息我们已经记录，不会丢失。"

// busyUnrecorded answers the same failure when the raw message could not be
// recorded either: it promises nothing it cannot keep.
const busyUnrecorded = "系统繁忙，请稍后再发一次您刚才的消息，给您添麻烦了。"

// honest picks the busy text that matches whether the message was recorded.
func honest(r bot.Reply, recorded bool) bot.Reply {
	if r.Text == busyText && !recorded {
		r.Text = busyUnrecorded
	}
	return r
}

// stepFunc runs one step for an update (the resident dialog, or casework).
type stepFunc func(ctx context.Context, u bot.Update) (bot.Reply, error)

// lateFunc delivers the reply of a step that overran the budget.
type lateFunc func(ctx context.Context, r bot.Reply) error

type stepResult struct {
	reply bot.Reply
	err   error
}

// answer dedupes, records and runs one step for an inbound update: the
// shape every surface shares (ARCHITECTURE reliability rules). A retried
// delivery repeats the first reply's text and never reruns the step.
func (s *Server) answer(ctx context.Context, u bot.Update, raw []byte, step stepFunc, late lateFunc) bot.Reply {
	key := u.DedupeKey()
	ctx, first, err := s.claim(ctx, key, u)
	if err != nil {
		return s.hold(ctx, u, raw, err)
	}
	if !first {
		return bot.Reply{Text: s.answerRetry(ctx, u.Platform, key)}
	}
	recorded, taken := s.recordInbound(ctx, u, raw, key)
	if taken {
		return s.alreadyTaken(ctx, u, key)
	}
	return honest(s.runStep(ctx, u, key, step, late), recorded)
}

// alreadyTaken answers a delivery the database recorded before although
// Redis no longer knows it (a replay after the dedupe key expired): it is
// not processed again.
func (s *Server) alreadyTaken(ctx context.Context, u bot.Update, key string) bot.Reply {
	s.Metrics.Duplicate(u.Platform)
	s.log.Warn("delivery already recorded: not processed again", "platform", u.Platform)
	if err := s.Dedupe.Complete(ctx, key, ""); err != nil {
		s.log.Warn("dedupe complete failed", "err", err)
	}
	return bot.Reply{}
}

// hold answers a message that cannot be taken for processing now (Redis,
// which holds dedupe and the replay memory, is unavailable): it is
// recorded if it can be, never processed, and the sender is asked to send
// it again.
func (s *Server) hold(ctx context.Context, u bot.Update, raw []byte, why error) bot.Reply {
	// Recorded under a key of its own: held, not taken, so the retry is
	// still taken and processed.
	recorded, _ := s.recordInbound(ctx, u, raw, u.DedupeKey()+"#held-"+heldSuffix())
	s.log.Error("message held: dedupe or replay memory unavailable; sender asked to retry",
		"platform", u.Platform, "err", why)
	return honest(bot.Reply{Text: busyText}, recorded)
}

// claimPrefetcher is a Deduper that reads, in the claim's round trip,
// what the step will first read for the sender, and hands it to the step
// in the returned context (redisstore.Dedupe.ClaimFor).
type claimPrefetcher interface {
	ClaimFor(ctx context.Context, key string, u bot.Update) (context.Context, bool, error)
}

// claim claims key for the first delivery of u, prefetching where the
// deduper can.
func (s *Server) claim(ctx context.Context, key string, u bot.Update) (context.Context, bool, error) {
	if cp, ok := s.Dedupe.(claimPrefetcher); ok {
		return cp.ClaimFor(ctx, key, u)
	}
	first, err := s.Dedupe.Claim(ctx, key)
	return ctx, first, err
}

// answerRetry repeats the reply of the first delivery of a retried
// message, waiting for it (inside the budget) while the first is still
// being processed. A platform retries when the first answer never reached
// it, so a reply given in the response is given again; one sent as a
// message of its own is not.
func (s *Server) answerRetry(ctx context.Context, platform, key string) string {
	s.Metrics.Duplicate(platform)
	wait, cancel := context.WithTimeout(ctx, s.ReplyBudget)
	defer cancel()
	reply, done := s.Dedupe.Wait(wait, key)
	if !done {
		return ""
	}
	if ok, err := s.take(ctx, platform, key); err != nil || !ok {
		return ""
	}
	return reply
}

// inResponse reports whether a platform's reply goes in the HTTP response
// (WeChat, the WeCom app and smart bot) — the platform shows the one it
// still waits for, so a retry may repeat it — rather than as a message of
// its own (DingTalk's session webhook).
func inResponse(platform string) bool {
	return platform == bot.PlatformWeChat || platform == bot.PlatformWeCom || platform == bot.PlatformWeComBot
}

// take takes the delivery of key's reply the way the platform delivers it.
func (s *Server) take(ctx context.Context, platform, key string) (bool, error) {
	if inResponse(platform) {
		return s.Dedupe.TakePassive(ctx, key)
	}
	return s.Dedupe.TakeDelivery(ctx, key)
}

// runStep runs the step detached from the request, so a slow step still
// finishes; past the budget the reply goes through late instead.
func (s *Server) runStep(ctx context.Context, u bot.Update, key string, step stepFunc, late lateFunc) bot.Reply {
	done := make(chan stepResult, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		r, err := step(sctx, u)
		done <- stepResult{r, err}
	}()
	timer := time.NewTimer(s.ReplyBudget)
	defer timer.Stop()
	select {
	case r := <-done:
		if ct, ok := s.Dedupe.(completeTaker); ok && r.err == nil {
			return s.completeAndTake(ctx, ct, u.Platform, key, r.reply)
		}
		reply := s.finishStep(ctx, key, r)
		if r.err != nil {
			return reply
		}
		if ok, err := s.take(ctx, u.Platform, key); err == nil && !ok {
			return bot.Reply{} // already delivered as a message of its own
		}
		return reply
	case <-timer.C:
		s.Metrics.DialogStep("late")
		go s.deliverLate(context.WithoutCancel(ctx), key, done, late)
		return bot.Reply{}
	}
}

// completeTaker is a Deduper that stores a reply and takes its delivery in
// one round trip (redisstore.Dedupe pipelines them).
type completeTaker interface {
	CompleteAndTake(ctx context.Context, key, reply string, passive bool) (bool, error)
}

// completeAndTake is finishStep then take for a step that succeeded in
// time, in one round trip to the deduper.
func (s *Server) completeAndTake(ctx context.Context, ct completeTaker, platform, key string, reply bot.Reply) bot.Reply {
	s.Metrics.DialogStep("ok")
	took, err := ct.CompleteAndTake(ctx, key, reply.Text, inResponse(platform))
	if err != nil {
		s.log.Warn("dedupe complete failed", "err", err)
		return reply
	}
	if !took {
		return bot.Reply{} // already delivered as a message of its own
	}
	return reply
}

// finishStep stores the step's reply for retries and returns it.
func (s *Server) finishStep(ctx context.Context, key string, r stepResult) bot.Reply {
	if r.err != nil {
		s.Metrics.DialogStep("error")
		s.log.Error("step failed", "err", r.err, "code", models.ErrorCode(r.err))
		_ = s.Dedupe.Release(ctx, key) // let the sender's resend run again
		if err := s.Inbound.ReleaseInbound(ctx, key); err != nil {
			s.log.Warn("raw inbound not released", "err", err)
		}
		return bot.Reply{Text: busyText}
	}
	s.Metrics.DialogStep("ok")
	if err := s.Dedupe.Complete(ctx, key, r.reply.Text); err != nil {
		s.log.Warn("dedupe complete failed", "err", err)
	}
	return r.reply
}

// deliverLate waits for a slow step and sends its reply through late,
// unless a retry's passive reply delivered it first.
func (s *Server) deliverLate(ctx context.Context, key string, done <-chan stepResult, late lateFunc) {
	r := <-done
	reply := s.finishStep(ctx, key, r)
	if reply.Text == "" && reply.Card == nil {
		return
	}
	if r.err == nil { // a failed step was released: its resend must not find it taken
		if ok, err := s.Dedupe.TakeDelivery(ctx, key); err != nil || !ok {
			return
		}
	}
	if late == nil {
		s.log.Warn("late reply dropped: this surface has no proactive channel")
		return
	}
	if err := late(ctx, reply); err != nil {
		s.log.Error("late reply not queued", "err", err)
	}
}

// recordInbound keeps the raw message before processing and reports
// whether it could, and whether the database already has this key (the
// delivery was taken before). A database outage is logged, not fatal
// (dialog state lives in Redis).
func (s *Server) recordInbound(ctx context.Context, u bot.Update, raw []byte, key string) (recorded, taken bool) {
	m := &models.InboundMessage{Platform: u.Platform, DedupeKey: key,
		Sender: u.SenderID, Raw: string(raw), ReceivedAt: s.Clock.Now().UTC()}
	err := s.Inbound.RecordInbound(ctx, m)
	switch {
	case err == nil:
		return true, false
	case models.ErrorCode(err) == models.ECONFLICT:
		return true, true
	}
	s.log.Error("raw inbound not recorded", "platform", u.Platform, "err", err)
	return false, false
}

// heldSuffix makes the key of a held message unique.
func heldSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
