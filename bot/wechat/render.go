package wechat

import (
	"strings"

	"tapline/bot"
	"tapline/models"
)

// RenderCard renders a task card as plain text for a customer-service
// message. The card's personal data is already masked. The record fields
// follow policy 4.1.4 (name, address, phone, content); the major-complaint
// flag follows policy 4.1.3.
func RenderCard(c bot.Card) string {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			b.WriteString(label + value + "\n")
		}
	}
	title := c.Title
	if c.Major {
		title = "【重大投诉】" + title
	}
	line("", title)
	line("工单号：", c.CaseNumber)
	line("类别：", c.Category)
	line("责任部门：", c.Department)
	if c.Major {
		line("重大原因：", c.MajorWhy)
	}
	line("客户：", c.Name)
	line("电话：", c.Phone)
	line("地址：", c.Address)
	line("内容：", c.Summary)
	line("诉求：", c.Expect)
	if !c.At.IsZero() {
		line("时间：", c.At.In(models.CST).Format("2006-01-02 15:04"))
	}
	line("详情：", c.URL)
	return strings.TrimRight(b.String(), "\n")
}
