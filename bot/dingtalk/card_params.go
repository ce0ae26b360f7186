package dingtalk

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"tapline/bot"
)

// MaxCardButtons is how many button slots the card template has
// (btn1 … btn3); a card with more buttons shows the first three, the text
// commands stay for the rest.
const MaxCardButtons = 3

// Card template variables (all strings). README, "DingTalk interactive
// cards", lists them for the template built in the developer console.
const (
	ParamTitle    = "title"       // CardTitle: case number, 【重大】 mark
	ParamMarkdown = "markdown"    // CardMarkdown: the card's fields
	ParamStatus   = "status"      // current status line
	ParamNumber   = "case_number" // the case number
	ParamMajor    = "major"       // "true" for a major case
	ParamURL      = "url"         // the case page (may be empty)
	// ParamKey is the callback parameter every button sends back: its
	// 回传请求 params are {"key": "${btnN_key}"}.
	ParamKey = "key"
)

// buttonParam names slot n's variables: btnN_text, btnN_key, btnN_show.
func buttonParam(n int, field string) string {
	return "btn" + strconv.Itoa(n) + "_" + field
}

// CardParams renders a neutral card as the template's cardParamMap. It
// renders only: what the card says and which buttons it has is decided by
// whoever built the bot.Card. Every button slot is filled (unused slots
// hidden), so a later state with fewer buttons removes the others.
func CardParams(c *bot.Card) map[string]string {
	p := StatusParams(c)
	p[ParamTitle] = CardTitle(c)
	p[ParamMarkdown] = CardMarkdown(c)
	p[ParamNumber] = plain.Replace(c.CaseNumber)
	p[ParamMajor] = strconv.FormatBool(c.Major)
	p[ParamURL] = ""
	if strings.HasPrefix(c.URL, "https://") || strings.HasPrefix(c.URL, "http://") {
		p[ParamURL] = c.URL
	}
	return p
}

// StatusParams are the status line and the button slots of c only: the
// update after a click, which leaves title and body as they are.
func StatusParams(c *bot.Card) map[string]string {
	p := map[string]string{ParamStatus: clean(c.Status)}
	for i := 1; i <= MaxCardButtons; i++ {
		text, key, show := "", "", "false"
		if i <= len(c.Buttons) && c.Buttons[i-1].Key != "" {
			b := c.Buttons[i-1]
			text, key, show = truncateRunes(clean(b.Text), 20), b.Key, "true"
		}
		p[buttonParam(i, "text")], p[buttonParam(i, "key")], p[buttonParam(i, "show")] = text, key, show
	}
	return p
}

// OutTrackID is the card instance ID of card identity for one target:
// deterministic, so a retried delivery names the same card, and distinct
// per target, so each chat's card is its own instance. identity is the
// card's TaskID, or for a card without one its case number, title and
// time.
func OutTrackID(c *bot.Card, target string) string {
	identity := c.TaskID
	if identity == "" {
		identity = c.CaseNumber + "|" + c.Title + "|" + c.At.UTC().Format("20060102T150405.000")
	}
	sum := sha256.Sum256([]byte(identity + "\x00" + target))
	return "tl" + hex.EncodeToString(sum[:16])
}
