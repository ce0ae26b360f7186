package wecom

// This file builds WeCom template cards (模板卡片, app documents 90236/90372,
// smart bot 101031 "模板卡片类型") from the neutral bot.Card. Field limits
// are WeCom's recommended lengths; longer values are cut with "…".

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tapline/bot"
	"tapline/models"
)

const (
	maxButtons      = 6   // button_list ≤ 6
	maxHorizontal   = 6   // horizontal_content_list ≤ 6
	maxTaskIDBytes  = 128 // task_id ≤ 128 bytes of [0-9A-Za-z_-@]
	maxButtonKey    = 1024
	maxTitleRunes   = 26
	maxDescRunes    = 30
	maxSubRunes     = 112
	maxValueRunes   = 26
	maxButtonRunes  = 10
	noopButtonKey   = "noop"
	defaultSourceTx = "供水热线"
)

// taskIDRE is the character set WeCom allows in a task_id.
var taskIDRE = regexp.MustCompile(`^[0-9A-Za-z_\-@]{1,128}$`)

type cardSource struct {
	Desc string `json:"desc,omitempty"`
}

type cardTitle struct {
	Title string `json:"title,omitempty"`
	Desc  string `json:"desc,omitempty"`
}

type cardKV struct {
	KeyName string `json:"keyname"`
	Value   string `json:"value"`
}

type cardAction struct {
	Type int    `json:"type"`
	URL  string `json:"url,omitempty"`
}

type cardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style,omitempty"`
	Key   string `json:"key"`
}

// templateCard is the template_card object shared by app messages and
// smart-bot replies (button_interaction and text_notice fields only).
type templateCard struct {
	CardType              string       `json:"card_type"`
	Source                *cardSource  `json:"source,omitempty"`
	MainTitle             *cardTitle   `json:"main_title,omitempty"`
	SubTitleText          string       `json:"sub_title_text,omitempty"`
	HorizontalContentList []cardKV     `json:"horizontal_content_list,omitempty"`
	CardAction            *cardAction  `json:"card_action,omitempty"`
	ButtonList            []cardButton `json:"button_list,omitempty"`
	TaskID                string       `json:"task_id,omitempty"`
}

// buildCard renders c as a button_interaction card when it has buttons,
// else as a text_notice card whose card_action opens c.URL. It returns an
// error wrapping bot.ErrPermanent when the card cannot be sent.
func buildCard(c *bot.Card, taskID string) (*templateCard, error) {
	if len(c.Buttons) > maxButtons {
		return nil, fmt.Errorf("card has %d buttons, WeCom allows %d: %w", len(c.Buttons), maxButtons, bot.ErrPermanent)
	}
	tc := cardBody(c)
	tc.TaskID = taskID
	if len(c.Buttons) == 0 {
		if !httpURL(c.URL) {
			return nil, fmt.Errorf("text_notice card needs a URL: %w", bot.ErrPermanent)
		}
		tc.CardType = "text_notice"
		tc.CardAction = &cardAction{Type: 1, URL: c.URL}
		return tc, nil
	}
	tc.CardType = "button_interaction"
	for _, b := range c.Buttons {
		if b.Key == "" || len(b.Key) > maxButtonKey {
			return nil, fmt.Errorf("button key of %d bytes: %w", len(b.Key), bot.ErrPermanent)
		}
		tc.ButtonList = append(tc.ButtonList, cardButton{Text: field(b.Text, maxButtonRunes), Style: buttonStyle(b.Style), Key: b.Key})
	}
	if httpURL(c.URL) {
		tc.CardAction = &cardAction{Type: 1, URL: c.URL}
	}
	return tc, nil
}

// cardBody fills the display fields common to every card type.
func cardBody(c *bot.Card) *templateCard {
	title := oneLine(c.Title)
	if title == "" {
		title = "新工单"
	}
	if c.Major {
		title = "【重大】" + title
	}
	var desc []string
	if c.Major && strings.TrimSpace(c.MajorWhy) != "" {
		desc = append(desc, oneLine(c.MajorWhy))
	}
	if !c.At.IsZero() {
		desc = append(desc, c.At.In(models.CST).Format("2006-01-02 15:04"))
	}
	source := defaultSourceTx
	if s := oneLine(c.Status); s != "" {
		source = s
	}
	tc := &templateCard{
		Source:    &cardSource{Desc: field(source, maxDescRunes)},
		MainTitle: &cardTitle{Title: field(title, maxTitleRunes), Desc: field(strings.Join(desc, " "), maxDescRunes)},
	}
	sub := oneLine(c.Summary)
	if e := oneLine(c.Expect); e != "" {
		sub += " 期望：" + e
	}
	tc.SubTitleText = field(sub, maxSubRunes)
	for _, kv := range cardFields(c) {
		if v := field(kv[1], maxValueRunes); v != "" && len(tc.HorizontalContentList) < maxHorizontal {
			tc.HorizontalContentList = append(tc.HorizontalContentList, cardKV{KeyName: kv[0], Value: v})
		}
	}
	return tc
}

// cardFields lists the key/value rows of a card, in display order.
func cardFields(c *bot.Card) [][2]string {
	return [][2]string{
		{"工单号", c.CaseNumber}, {"类别", c.Category}, {"责任部门", c.Department},
		{"地址", c.Address}, {"反映人", c.Name}, {"电话", c.Phone},
	}
}

// CardText renders a card as plain text (passive text replies, where no
// template card is possible).
func CardText(c *bot.Card) string {
	if c == nil {
		return ""
	}
	tc := cardBody(c)
	lines := []string{tc.MainTitle.Title}
	for _, kv := range tc.HorizontalContentList {
		lines = append(lines, kv.KeyName+"："+kv.Value)
	}
	if tc.SubTitleText != "" {
		lines = append(lines, "诉求："+tc.SubTitleText)
	}
	if s := oneLine(c.Status); s != "" {
		lines = append(lines, "状态："+s)
	}
	if httpURL(c.URL) {
		lines = append(lines, "详情："+c.URL)
	}
	return strings.Join(lines, "\n")
}

// buttonStyle maps the neutral style to WeCom's 1–4 (default 1).
func buttonStyle(s int) int {
	if s < 1 || s > 4 {
		return 1
	}
	return s
}

// field flattens and bounds one display value.
func field(s string, n int) string {
	return truncateRunes(oneLine(xmlSafe(s)), n)
}

// httpURL reports whether s is an http(s) URL.
func httpURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// taskIDFor returns c.TaskID when set (it must be a valid task_id), else a
// new unique id: the case number's allowed characters, "_", the time in
// base 36 and 6 random hex digits.
func taskIDFor(c *bot.Card, now time.Time) (string, error) {
	if c.TaskID != "" {
		if !taskIDRE.MatchString(c.TaskID) {
			return "", fmt.Errorf("task_id %q is not [0-9A-Za-z_-@]{1,128}: %w", c.TaskID, bot.ErrPermanent)
		}
		return c.TaskID, nil
	}
	prefix := strings.Map(func(r rune) rune {
		if r < 0x80 && taskIDRE.MatchString(string(r)) {
			return r
		}
		return -1
	}, c.CaseNumber)
	if len(prefix) > 100 {
		prefix = prefix[:100]
	}
	if prefix == "" {
		prefix = "card"
	}
	random := make([]byte, 3)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("task id: %w", err)
	}
	return prefix + "_" + strconv.FormatInt(now.UnixNano(), 36) + hex.EncodeToString(random), nil
}
