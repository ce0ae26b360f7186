package dingtalk

import (
	"fmt"
	"net/url"
	"strings"

	"tapline/bot"
)

// CommandFunc turns a card button into the text command a staff member
// sends to perform the same action.
type CommandFunc func(bot.Button) string

// CommandText is the default CommandFunc: the button's label followed by
// what comes after the first ":" of its key, further colons turned into
// spaces, so {Key: "approve:TS20261127-0042:v2", Text: "批准"} becomes
// "批准 TS20261127-0042 v2" — the text command casework.Parse reads the
// same way as the key. A button without label falls back to its key.
func CommandText(b bot.Button) string {
	label := strings.TrimSpace(plain.Replace(b.Text))
	if label == "" {
		return strings.TrimSpace(plain.Replace(b.Key))
	}
	if _, ref, ok := strings.Cut(b.Key, ":"); ok && strings.TrimSpace(ref) != "" {
		return label + " " + strings.TrimSpace(plain.Replace(strings.ReplaceAll(ref, ":", " ")))
	}
	return label
}

// Message kinds a rendered message can take on the robot APIs.
const (
	kindText       = "text"
	kindMarkdown   = "markdown"
	kindActionCard = "actionCard"
)

// rendered is a neutral message shaped for DingTalk's robot: the session
// webhook and the open API encode it differently.
type rendered struct {
	kind        string
	title       string // markdown and actionCard
	text        string // text content or markdown
	singleTitle string // actionCard: the one link button
	singleURL   string
}

// render shapes msg. Text stays text. A card with buttons becomes markdown
// with one line per action: a dtmd://dingtalkclient/sendMessage link that
// makes the client send the command when tapped (works in markdown
// messages only, not in actionCard buttons), plus the command in words for
// clients where the link does nothing. A card with an https URL and no
// buttons becomes an actionCard with a "查看详情" button; any other card is
// markdown. Empty messages wrap bot.ErrPermanent.
func render(msg bot.Message, cmd CommandFunc) (rendered, error) {
	switch {
	case msg.Card != nil && len(msg.Card.Buttons) > 0:
		text := CardMarkdown(msg.Card) + "\n\n" + commandsMarkdown(msg.Card.Buttons, cmd)
		return rendered{kind: kindMarkdown, title: CardTitle(msg.Card), text: text}, nil
	case msg.Card != nil && strings.HasPrefix(msg.Card.URL, "https://"):
		c := *msg.Card
		c.URL = "" // the button replaces the inline link
		return rendered{kind: kindActionCard, title: CardTitle(&c), text: CardMarkdown(&c),
			singleTitle: "查看详情", singleURL: msg.Card.URL}, nil
	case msg.Card != nil:
		return rendered{kind: kindMarkdown, title: CardTitle(msg.Card), text: CardMarkdown(msg.Card)}, nil
	case strings.TrimSpace(msg.Text) != "":
		return rendered{kind: kindText, text: truncateRunes(msg.Text, maxTextRunes)}, nil
	}
	return rendered{}, fmt.Errorf("empty message: %w", bot.ErrPermanent)
}

// commandsMarkdown lists the card's actions as tappable links and as text.
func commandsMarkdown(buttons []bot.Button, cmd CommandFunc) string {
	if cmd == nil {
		cmd = CommandText
	}
	var b strings.Builder
	b.WriteString("---\n\n**操作**（点击或@我回复）：\n\n")
	for _, btn := range buttons {
		command := strings.TrimSpace(cmd(btn))
		if command == "" {
			continue
		}
		label := clean(btn.Text)
		if label == "" {
			label = clean(command)
		}
		fmt.Fprintf(&b, "- [%s](%s)　回复：%s\n", label, SendMessageLink(command), clean(command))
	}
	return strings.TrimRight(b.String(), "\n")
}

// SendMessageLink returns the DingTalk client link that sends text as the
// user's own message when tapped in a markdown message:
// dtmd://dingtalkclient/sendMessage?content=<percent-encoded text>. Spaces
// are encoded as %20, not "+", which the client would show literally.
func SendMessageLink(text string) string {
	return "dtmd://dingtalkclient/sendMessage?content=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
}
