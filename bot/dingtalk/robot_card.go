package dingtalk

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tapline/bot"
)

// Size bounds: DingTalk documents no hard limit; these keep messages
// readable on a phone and far below the request size limit.
const (
	maxTextRunes  = 4000
	maxFieldRunes = 600
)

// shanghai is Asia/Shanghai as a fixed zone: China has no daylight saving
// and a fixed zone does not depend on the host's tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)

// RobotPayload converts a neutral message to the JSON body of the custom
// robot: a card becomes a markdown message {title, text}, text a text
// message. It returns an error wrapping bot.ErrPermanent for an empty
// message. No "at" block is ever sent, so nothing in a message can @ people.
func RobotPayload(msg bot.Message) ([]byte, error) {
	var body any
	switch {
	case msg.Card != nil:
		body = map[string]any{
			"msgtype":  "markdown",
			"markdown": map[string]string{"title": CardTitle(msg.Card), "text": CardMarkdown(msg.Card)},
		}
	case msg.File != nil:
		if msg.File.URL == "" {
			return nil, fmt.Errorf("file without a download link: %w", bot.ErrPermanent)
		}
		body = map[string]any{"msgtype": "markdown", "markdown": FileMarkdown(msg.File)}
	case strings.TrimSpace(msg.Text) != "":
		body = map[string]any{
			"msgtype": "text",
			"text":    map[string]string{"content": truncateRunes(msg.Text, maxTextRunes)},
		}
	default:
		return nil, fmt.Errorf("empty message: %w", bot.ErrPermanent)
	}
	return json.Marshal(body)
}

// FileMarkdown shows a file as its signed download link (a custom robot
// cannot send files): an image inline, anything else as a link.
func FileMarkdown(f *bot.File) map[string]string {
	name := plain.Replace(strings.TrimSpace(f.Name))
	link := "[" + name + "](" + f.URL + ")"
	if f.Image {
		link = "![" + name + "](" + f.URL + ")"
	}
	text := "#### " + name + "\n\n" + link
	if f.Note != "" {
		text += "\n\n" + plain.Replace(f.Note)
	}
	return map[string]string{"title": name, "text": text}
}

// CardTitle is the plain title shown in the conversation list.
func CardTitle(c *bot.Card) string {
	title := plain.Replace(strings.TrimSpace(c.Title))
	if title == "" {
		title = "新工单"
	}
	if c.Major {
		title = "【重大】" + title
	}
	return truncateRunes(strings.TrimSpace(title+" "+plain.Replace(c.CaseNumber)), 100)
}

// CardMarkdown renders a task card as DingTalk markdown. Personal data is
// already masked in the card; every field from outside is neutralised so it
// cannot inject markup (see clean).
func CardMarkdown(c *bot.Card) string {
	var b strings.Builder
	title := clean(c.Title)
	if title == "" {
		title = "新工单"
	}
	if c.Major {
		title = `<font color=#FF0000>【重大】</font>` + title
	}
	fmt.Fprintf(&b, "### %s\n\n", title)
	item(&b, "工单号", c.CaseNumber)
	item(&b, "类别", c.Category)
	item(&b, "责任部门", c.Department)
	if c.Major {
		item(&b, "重大原因", c.MajorWhy)
	}
	item(&b, "反映人", c.Name)
	item(&b, "电话", c.Phone)
	item(&b, "地址", c.Address)
	if !c.At.IsZero() {
		item(&b, "时间", c.At.In(shanghai).Format("2006-01-02 15:04"))
	}
	if s := clean(c.Summary); s != "" {
		fmt.Fprintf(&b, "\n**诉求**：%s\n\n", s)
	}
	if s := clean(c.Expect); s != "" {
		fmt.Fprintf(&b, "**期望**：%s\n\n", s)
	}
	if strings.HasPrefix(c.URL, "https://") || strings.HasPrefix(c.URL, "http://") {
		fmt.Fprintf(&b, "[查看详情](%s)", strings.NewReplacer(" ", "%20", ")", "%29").Replace(c.URL))
	}
	return strings.TrimRight(b.String(), "\n")
}

// item writes one "- **key**：value" list line, skipping empty values.
func item(b *strings.Builder, key, value string) {
	if v := clean(value); v != "" {
		fmt.Fprintf(b, "- **%s**：%s\n", key, v)
	}
}

// plain flattens line breaks in a title.
var plain = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// markup maps characters the markdown renderer would interpret to
// look-alike full-width forms ("<" ">" for HTML tags, "*" "_" "`" "[" "]"
// "#" for emphasis, links and headings). Masking asterisks thus show as "＊".
var markup = strings.NewReplacer(
	"\r\n", " ", "\n", " ", "\r", " ",
	"<", "＜", ">", "＞", "*", "＊", "_", "＿", "`", "｀", "[", "［", "]", "］", "#", "＃",
)

// clean neutralises markup, flattens line breaks and bounds the length of a
// field taken from outside.
func clean(s string) string {
	return truncateRunes(strings.TrimSpace(markup.Replace(s)), maxFieldRunes)
}

// truncateRunes cuts s to at most n runes plus an ellipsis.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
