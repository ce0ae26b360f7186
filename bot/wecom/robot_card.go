package wecom

import (
	"encoding/json"
	"fmt"
	"strings"

	"tapline/bot"
	"tapline/models"
)

// Size limits of the group robot (PLATFORMS.md §2.3).
const (
	maxTextBytes     = 2048
	maxMarkdownBytes = 4096
	maxFieldRunes    = 600
)

// RobotPayload converts a neutral message to the JSON body of the group
// robot: a card becomes a markdown message, text a text message. It returns
// an error wrapping bot.ErrPermanent for an empty message.
func RobotPayload(msg bot.Message) ([]byte, error) {
	var body any
	switch {
	case msg.Card != nil:
		body = map[string]any{
			"msgtype":  "markdown",
			"markdown": map[string]string{"content": CardMarkdown(msg.Card)},
		}
	case strings.TrimSpace(msg.Text) != "":
		body = map[string]any{
			"msgtype": "text",
			"text":    map[string]string{"content": truncateBytes(msg.Text, maxTextBytes)},
		}
	default:
		return nil, fmt.Errorf("empty message: %w", bot.ErrPermanent)
	}
	return json.Marshal(body)
}

// CardMarkdown renders a task card as WeCom markdown. Personal data is
// already masked in the card; every field from outside is neutralised so it
// cannot inject markup or @-mentions (see clean).
func CardMarkdown(c *bot.Card) string {
	var b strings.Builder
	title := clean(c.Title)
	if title == "" {
		title = "新工单"
	}
	if c.Major {
		title = `<font color="warning">【重大】</font>` + title
	}
	fmt.Fprintf(&b, "## %s\n", title)
	line(&b, "工单号", c.CaseNumber)
	line(&b, "类别", c.Category)
	line(&b, "责任部门", c.Department)
	if c.Major {
		line(&b, "重大原因", c.MajorWhy)
	}
	line(&b, "反映人", c.Name)
	line(&b, "电话", c.Phone)
	line(&b, "地址", c.Address)
	if !c.At.IsZero() {
		line(&b, "时间", c.At.In(models.CST).Format("2006-01-02 15:04"))
	}
	if s := clean(c.Summary); s != "" {
		fmt.Fprintf(&b, "**诉求**：%s\n", s)
	}
	if s := clean(c.Expect); s != "" {
		fmt.Fprintf(&b, "**期望**：%s\n", s)
	}
	if strings.HasPrefix(c.URL, "https://") || strings.HasPrefix(c.URL, "http://") {
		fmt.Fprintf(&b, "[查看详情](%s)", strings.NewReplacer(" ", "%20", ")", "%29").Replace(c.URL))
	}
	return truncateBytes(strings.TrimRight(b.String(), "\n"), maxMarkdownBytes)
}

// line writes one "> key：value" line, skipping empty values.
func line(b *strings.Builder, key, value string) {
	if v := clean(value); v != "" {
		fmt.Fprintf(b, "> %s：%s\n", key, v)
	}
}

// markup maps characters the markdown renderer would interpret to
// look-alike full-width forms: "<" and ">" (font tags, <@userid> mentions),
// "*" "_" "`" "[" "]" "#" (emphasis, links, headings). Masking asterisks
// thus show as "＊", which no renderer can take for emphasis.
var markup = strings.NewReplacer(
	"\r\n", " ", "\n", " ", "\r", " ",
	"<", "＜", ">", "＞", "*", "＊", "_", "＿", "`", "｀", "[", "［", "]", "］", "#", "＃",
)

// clean neutralises markup, flattens line breaks and bounds the length of a
// field taken from outside.
func clean(s string) string {
	s = strings.TrimSpace(markup.Replace(s))
	if r := []rune(s); len(r) > maxFieldRunes {
		s = string(r[:maxFieldRunes]) + "…"
	}
	return s
}

// truncateBytes cuts s to at most n bytes on a rune boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if i > n-len("…") {
			break
		}
		cut = i
	}
	return s[:cut] + "…"
}
