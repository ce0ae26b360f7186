package auth

import (
	"context"
	"log/slog"
	"strings"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/policy"
)

// LinkPath is the console page a sign-in link opens.
const LinkPath = "/console/link"

// LoginCommand answers the staff command `登录` with a one-time console
// sign-in link and hands every other staff message to the next handler
// unchanged (issue 6).
type LoginCommand struct {
	next    StaffHandler
	links   *Links
	policy  *policy.Policy
	baseURL func() string
	log     *slog.Logger
}

// NewLoginCommand wraps next. baseURL returns the console's public base
// URL (public_url, or the listening address) at the time of the request.
func NewLoginCommand(next StaffHandler, links *Links, p *policy.Policy, baseURL func() string, log *slog.Logger) *LoginCommand {
	return &LoginCommand{next: next, links: links, policy: p, baseURL: baseURL, log: log.With("component", "auth")}
}

// chatSingle is the chat type of a 1:1 chat on every staff platform
// (bot.Update.ChatType).
const chatSingle = "single"

// Login texts.
const (
	txtLoginGroup   = "为保护登录链接，请在与机器人的单聊中发送“登录”。"
	txtLoginUnknown = "没有在员工名单中找到您，不能登录工作台。请联系管理员把您加入名单。"
	txtLoginDown    = "暂时无法生成登录链接，请稍后再试。"
	txtLoginLink    = "工作台登录链接（10 分钟内有效，只能使用一次，请勿转发）：\n"
)

// Handle implements the staff handler.
func (l *LoginCommand) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	if !IsLoginCommand(u) {
		return l.next.Handle(ctx, u)
	}
	st := l.sender(u)
	switch {
	case st == nil:
		return bot.Reply{Text: txtLoginUnknown}, nil
	case u.ChatType != chatSingle:
		// A link in a group could be used by anyone in it; a chat whose
		// type is missing or unknown is not known to be 1:1.
		return bot.Reply{Text: txtLoginGroup}, nil
	}
	token, err := l.links.Issue(ctx, st.ID)
	if err != nil {
		return bot.Reply{Text: txtLoginDown}, err
	}
	l.log.InfoContext(ctx, "sign-in link issued", "staff", st.ID, "platform", u.Platform)
	return bot.Reply{Text: txtLoginLink + strings.TrimRight(l.baseURL(), "/") + LinkPath + "?token=" + token}, nil
}

// sender finds the roster entry of a WeCom or DingTalk sender.
func (l *LoginCommand) sender(u bot.Update) *policy.Staff {
	if u.SenderID == "" {
		return nil
	}
	switch u.Platform {
	case bot.PlatformWeCom, bot.PlatformWeComBot:
		return l.policy.StaffByPlatformID("wecom", u.SenderID)
	case bot.PlatformDingTalk:
		return l.policy.StaffByPlatformID("dingtalk", u.SenderID)
	}
	return nil
}

// loginWords are the texts that ask for a sign-in link.
var loginWords = map[string]bool{"登录": true, "登陆": true, "登录工作台": true, "login": true}

// IsLoginCommand reports whether u is the text `登录` (full-width
// characters, spaces and leading @-mentions tolerated).
func IsLoginCommand(u bot.Update) bool {
	if u.Kind != bot.KindText {
		return false
	}
	fields := strings.Fields(casework.Normalize(u.Text))
	for len(fields) > 0 && strings.HasPrefix(fields[0], "@") {
		fields = fields[1:]
	}
	return len(fields) == 1 && loginWords[strings.ToLower(strings.Trim(fields[0], "。.!！"))]
}
