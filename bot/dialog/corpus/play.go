package corpus

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tapline/models"
)

// Desk is the resident desk a conversation is played against, and the
// back office it is checked in.
type Desk interface {
	// Say sends one message of the resident and returns the reply.
	Say(ctx context.Context, openID string, t Turn) (string, error)
	// Staff sends a staff command from the roster member with that ID.
	Staff(ctx context.Context, staffID, text string) (string, error)
	// Cases returns the resident's cases, oldest first.
	Cases(ctx context.Context, openID string) ([]*models.Case, error)
	// Events returns a case's timeline.
	Events(ctx context.Context, caseID uint64) ([]*models.CaseEvent, error)
	// Rating returns a case's rating, 0 when it has none.
	Rating(ctx context.Context, caseID uint64) (int, error)
	// Remember records details a resident left with an earlier complaint.
	Remember(ctx context.Context, openID string, c Contact) error
	// Advance lets the desk's clock run.
	Advance(d time.Duration) error
}

// Recogniser names the text keys of a reply (dialog.Texts.Recognise).
type Recogniser func(reply string) []string

// maxTurns bounds the questions answered in one intake.
const maxTurns = 15

// Line is one message of a transcript.
type Line struct {
	Who  string // 居民, 客服 or a staff ID
	Text string
	Keys []string // the reply's text keys
}

// player plays one conversation.
type player struct {
	desk   Desk
	keys   Recogniser
	c      *Conversation
	openID string
	used   map[string]int // answers used per slot
	res    *Result
}

// Play runs c against desk as resident openID and scores it.
func Play(ctx context.Context, desk Desk, keys Recogniser, c *Conversation, openID string) *Result {
	p := &player{desk: desk, keys: keys, c: c, openID: openID, used: map[string]int{},
		res: &Result{Conv: c, OpenID: openID}}
	if err := p.run(ctx); err != nil {
		p.res.Err = err
	}
	p.res.score()
	return p.res
}

func (p *player) run(ctx context.Context) error {
	if k := p.c.Known; k != nil {
		if err := p.desk.Remember(ctx, p.openID, *k); err != nil {
			return fmt.Errorf("remember: %w", err)
		}
	}
	in, err := p.intake(ctx, p.c.Says, true, "")
	if err != nil {
		return err
	}
	p.res.Intake = in
	cs, err := p.desk.Cases(ctx, p.openID)
	if err != nil {
		return fmt.Errorf("cases: %w", err)
	}
	p.res.Cases = cs
	for i := range p.c.After {
		if err := p.step(ctx, &p.c.After[i]); err != nil {
			return err
		}
	}
	return nil
}

// intake sends says, then answers the desk's questions (the first in
// reply, when says is empty) until it asks nothing more. first marks the
// conversation's opening (for the guidance check).
func (p *player) intake(ctx context.Context, says []Turn, first bool, reply string) (Intake, error) {
	var in Intake
	for i, t := range says {
		if err := p.wait(t.Wait); err != nil {
			return in, err
		}
		r, keys, err := p.say(ctx, t)
		if err != nil {
			return in, err
		}
		if first && i == 0 {
			in.FirstKeys = keys
		}
		in.note(keys)
		reply = r
	}
	for n := 0; n < maxTurns; n++ {
		slot := questionSlot(p.keys(reply))
		if slot == "" {
			return in, nil
		}
		r, keys, err := p.say(ctx, Turn{Text: p.answer(slot, &in)})
		if err != nil {
			return in, err
		}
		in.note(keys)
		reply = r
	}
	in.Stuck = true
	return in, nil
}

// answer picks the resident's next answer to slot's question.
func (p *player) answer(slot string, in *Intake) string {
	list := p.c.Answers[slot]
	if len(list) == 0 {
		switch slot {
		case "confirm": // every read-back is confirmed unless the conversation says otherwise
			return "确认"
		case "offer":
			return "是"
		case "describe":
			list = p.c.Answers["details"]
		}
	}
	i := p.used[slot]
	p.used[slot]++
	if i < len(list) {
		return list[i]
	}
	if !slices.Contains(in.Twice, slot) {
		in.Twice = append(in.Twice, slot)
	}
	if len(list) > 0 {
		return list[len(list)-1]
	}
	return "刚才说过了"
}

// say sends one message and records the exchange.
func (p *player) say(ctx context.Context, t Turn) (string, []string, error) {
	p.res.Transcript = append(p.res.Transcript, Line{Who: "居民", Text: t.Show()})
	r, err := p.desk.Say(ctx, p.openID, t)
	if err != nil {
		return "", nil, fmt.Errorf("say %q: %w", t.Show(), err)
	}
	keys := p.keys(r)
	p.res.Transcript = append(p.res.Transcript, Line{Who: "客服", Text: r, Keys: keys})
	return r, keys, nil
}

func (p *player) wait(d string) error {
	if d == "" {
		return nil
	}
	dur, err := time.ParseDuration(d)
	if err != nil {
		return fmt.Errorf("wait %q: %w", d, err)
	}
	return p.desk.Advance(dur)
}

// questionSlot returns the slot the last question of a reply asks for,
// "" when the reply asks nothing.
func questionSlot(keys []string) string {
	slot := ""
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "ask_"):
			slot = strings.TrimPrefix(k, "ask_")
		case strings.HasPrefix(k, "reask_"):
			slot = strings.TrimPrefix(k, "reask_")
		case strings.HasPrefix(k, "followup_"):
			slot = "followup"
		case k == "fix":
			slot = "fix"
		case k == "human_phone":
			slot = "phone"
		case k == "name_why":
			slot = "name"
		}
	}
	return slot
}

// opensComplaint reports whether a reply starts (or goes on with) an
// intake: it asks an intake question or gives emergency guidance.
func opensComplaint(keys []string) bool {
	for _, k := range keys {
		if k == "emergency" || k == "ask_describe" || k == "start" || strings.HasPrefix(k, "followup_") {
			return true
		}
		if s := questionSlot([]string{k}); s != "" && s != "which" {
			return true
		}
	}
	return false
}

// Question returns the slot the last question of a reply asks for
// ("name", "confirm", "followup" …; keys as Recogniser gives them), "" when
// the reply asks nothing: how the simulator's resident follows the dialog.
func Question(keys []string) string { return questionSlot(keys) }
