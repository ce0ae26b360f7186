package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"tapline/bot/simclient"
)

// staffDesk holds the three staff channels the case simulation uses.
type staffDesk struct {
	app, bot *simclient.WeCom
	ding     *simclient.DingTalk
	admin    *adminClient
	out      io.Writer
}

// playCase files a complaint as a resident, then works it through the
// whole ordinary lifecycle of policy section 4 on all three staff channels.
func playCase(ctx context.Context, o options, out io.Writer) error {
	creds, err := loadCredentials(o.credentials)
	if err != nil {
		return err
	}
	r, number, err := fileComplaint(ctx, o, creds, out)
	if err != nil {
		return err
	}
	base := strings.TrimRight(o.url, "/")
	d := &staffDesk{out: out, admin: &adminClient{base: base, token: creds.AdminToken},
		app: &simclient.WeCom{URL: base + "/webhooks/wecom", Token: creds.WeComToken,
			EncodingAESKey: creds.WeComAESKey, CorpID: creds.WeComCorpID},
		bot: &simclient.WeCom{URL: base + "/webhooks/wecom-bot", Token: creds.WeComBotToken,
			EncodingAESKey: creds.WeComBotAESKey, Bot: true},
		ding: &simclient.DingTalk{URL: base + "/webhooks/dingtalk", AppSecret: creds.DingTalkSecret},
	}
	cast, err := castFor(ctx, d.admin, o.policy, number)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n投诉 %s 分到%s：由 %s 接单，%s 确认，%s 审批\n\n", number, cast.deptName, cast.crew, cast.head, cast.approver)
	steps := []func() error{
		func() error { return d.click(cast.crew, "accept:"+number, "WeCom 应用卡片按钮「接单」") },
		func() error {
			return d.dingtalk(cast.crew, "进展 "+number+" 已到现场查看，情况属实，正在处理")
		},
		func() error {
			return d.wecomBot(cast.chat, cast.crew, "措施 "+number+" 今天由本部门维修班上门处理，三天内完成并回访居民")
		},
		func() error { return d.wecomApp(cast.approver, "批准 "+number) },
		func() error { _, err := r.say(ctx, "接受"); return err },
		func() error { return d.dingtalk(cast.crew, "完成 "+number+" 已处理完毕，现场复查正常") },
		func() error { return d.wecomBot(cast.chat, cast.head, "确认 "+number) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return d.admin.show(ctx, out, number, o.wait)
}

func (d *staffDesk) wecomApp(user, text string) error {
	fmt.Fprintf(d.out, "企业微信应用 %s > %s\n", user, text)
	reply, err := d.app.Text(context.Background(), user, "", text)
	return d.print(reply, err)
}

func (d *staffDesk) click(user, key, label string) error {
	fmt.Fprintf(d.out, "%s %s > [%s]\n", label, user, key)
	reply, err := d.app.Click(context.Background(), user, key, "")
	return d.print(reply, err)
}

func (d *staffDesk) wecomBot(chat, user, text string) error {
	fmt.Fprintf(d.out, "企业微信群 @机器人 %s > %s\n", user, text)
	reply, err := d.bot.Text(context.Background(), user, chat, text)
	return d.print(reply, err)
}

// dingtalk sends an @-message and prints the reply the server queued for
// the conversation's sessionWebhook (delivered from the outbox).
func (d *staffDesk) dingtalk(user, text string) error {
	fmt.Fprintf(d.out, "钉钉群 @机器人 %s > %s\n", user, text)
	since := time.Now()
	if _, err := d.ding.Text(context.Background(), user, "cidsim-supply", text); err != nil {
		return err
	}
	reply, err := d.admin.lastReply(context.Background(), user, since)
	return d.print(reply, err)
}

func (d *staffDesk) print(reply string, err error) error {
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "机器人 < %s\n\n", indent(reply))
	return nil
}
