// Package address turns the policy's groups and people into outbox
// destinations: a group's robots on each configured platform (or the local
// sink when none is), a person's direct channel.
package address

import (
	"fmt"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/models"
)

// Dest is where one outbox row goes.
type Dest struct {
	Channel  string
	Target   string
	Audience string // who it is for: a department key, "leaders" or a roster ID
}

// Book resolves destinations from the policy. Direct is the channel of
// messages to one person (models.ChannelWeComApp, or models.ChannelSink in
// the embedded demo); empty means people are reached through their groups
// only.
type Book struct {
	Policy *policy.Policy
	Direct string
	// DingTalkCards: DingTalk interactive cards are configured, so a group
	// with a dingtalk_conversation_id gets cards with buttons instead of
	// its custom robot's markdown, and a person a 1:1 card (issue 17).
	DingTalkCards bool
}

// Group returns g's destinations: every configured robot, or the sink.
func (b Book) Group(g policy.Group, audience string) []Dest {
	var out []Dest
	if g.WeComRobotKey != "" {
		out = append(out, Dest{models.ChannelWeComRobot, g.WeComRobotKey, audience})
	}
	switch {
	case b.DingTalkCards && g.DingTalkChatID != "":
		out = append(out, Dest{models.ChannelDingTalkCard, dingtalk.GroupTarget(g.DingTalkChatID), audience})
	case g.DingTalkToken != "":
		out = append(out, Dest{models.ChannelDingTalkRobot, dingtalk.Target(g.DingTalkToken, g.DingTalkSecret), audience})
	}
	if len(out) == 0 {
		out = append(out, Dest{models.ChannelSink, audience, audience})
	}
	return out
}

// Dept returns a department group's destinations.
func (b Book) Dept(key string) []Dest {
	if d := b.Policy.Department(key); d != nil {
		return b.Group(d.Group, key)
	}
	return nil
}

// Leaders returns the leaders' group's destinations (policy 4.1.3).
func (b Book) Leaders() []Dest { return b.Group(b.Policy.LeadersGroup, "leaders") }

// Person returns st's direct destination, none without a direct channel.
func (b Book) Person(st *policy.Staff) []Dest {
	if st == nil || b.Direct == "" {
		return nil
	}
	target := st.WeComID
	if b.Direct == models.ChannelSink || target == "" {
		target = st.ID
	}
	out := []Dest{{b.Direct, target, st.ID}}
	if b.DingTalkCards && b.Direct != models.ChannelSink {
		id := st.DingTalkID
		if id == "" {
			id = st.ID
		}
		out = append(out, Dest{models.ChannelDingTalkCard, dingtalk.UserTarget(id), st.ID})
	}
	return out
}

// Rows encodes msg once per destination as pending outbox rows of case
// caseID; a card's TaskID becomes the rows' CardKey (only the latest state
// of a card is delivered, see notify.Deliverer).
func Rows(caseID uint64, dests []Dest, msg bot.Message) ([]models.Outbox, error) {
	kind, payload, err := notify.EncodeMessage(msg)
	if err != nil {
		return nil, fmt.Errorf("address: encode: %w", err)
	}
	var card string
	if msg.Card != nil {
		card = msg.Card.TaskID
	}
	rows := make([]models.Outbox, 0, len(dests))
	for _, d := range dests {
		rows = append(rows, models.Outbox{CaseID: caseID, Channel: d.Channel, Target: d.Target,
			Audience: d.Audience, Kind: kind, Payload: payload, Status: models.OutboxPending, CardKey: card})
	}
	return rows, nil
}
