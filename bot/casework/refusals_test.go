package casework

import (
	"context"
	"strings"
	"testing"

	"tapline/bot"
	"tapline/models"
)

func TestRefusalsChangeNothing(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "o-x")
	cases := []struct {
		name string
		u    bot.Update
		want []string
	}{
		{"unknown person", staffText("stranger", "接单 "+c.Number), []string{"不在投诉处理人员名单中"}},
		{"resident platform id on staff channel", bot.Update{Platform: bot.PlatformWeChat, Kind: bot.KindText, SenderID: "quality.crew", Text: "接单 " + c.Number}, []string{"不在投诉处理人员名单中"}},
		{"unknown on dingtalk", bot.Update{Platform: bot.PlatformDingTalk, Kind: bot.KindText, SenderID: "x", Text: "待办"}, []string{"不在投诉处理人员名单中"}},
		{"missing case", staffText("quality.crew", "接单 TS20991231-0009"), []string{"没有找到投诉 TS20991231-0009"}},
		{"other department", staffText("supply.crew", "接单 "+c.Number), []string{"需要由水质检测室人员", "没有可做的操作"}},
		{"leader cannot accept", staffText("leader.b", "接单 "+c.Number), []string{"需要由水质检测室人员"}},
		{"wrong status", staffText("quality.crew", "措施 "+c.Number+" 冲洗管网"), []string{"当前状态是「待接单」", "不能「措施」", "「接单」"}},
		{"done before agreement", staffText("quality.crew", "完成 "+c.Number), []string{"不能「完成」"}},
		{"note without text", staffText("quality.crew", "进展 "+c.Number), []string{"需要写明进展内容", "进展 " + c.Number}},
		{"unknown command", staffText("quality.crew", "今天天气不错"), []string{"没看懂", "发「帮助」"}},
		{"unknown button", click("quality.crew", "launch:"+c.Number), []string{"没看懂"}},
		{"resident answer by other dept", staffText("supply.crew", "居民接受 "+c.Number), []string{"居民本人"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustContain(t, e.do(tc.u), tc.want...)
		})
	}
	got, _ := e.db.FindCaseByNumber(context.Background(), c.Number)
	if got.Status != models.StatusAssigned || got.Version != 1 || len(e.outbox(c)) != 0 {
		t.Fatalf("a refusal changed the case: %+v", got)
	}
	if r, handled, _ := e.svc.Resident(context.Background(), residentText("o-other", "接受")); handled {
		t.Fatalf("a stranger's 接受 must go to intake, got %q", r.Text)
	}
}

func TestStaffRecordsPhoneResidentsAnswer(t *testing.T) {
	e := newEnv(t)
	c := e.file("construction", false, "")
	e.say("construction.crew", "接单")
	e.say("construction.crew", "措施 修复路面")
	mustContain(t, e.say("leader.b", "批准"), "请电话向居民说明")
	mustContain(t, e.say("construction.crew", "居民不接受 要求今天修"), "已记录居民不接受")
	e.mustStatus(c, models.StatusAccepted)
	e.say("construction.crew", "措施 今天修复路面")
	e.say("leader.b", "批准 "+c.Number+" v2")
	mustContain(t, e.say("construction.head", "居民接受"), "已记录居民接受")
	e.mustStatus(c, models.StatusAgreed)
	if n := len(rowsTo(e.outbox(c), "resident")); n != 0 {
		t.Fatalf("a phone case has no WeChat resident, got %d rows", n)
	}
}

func TestDetailsMasksOutsideDepartment(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", true, "o-d")
	e.say("quality.crew", "接单 "+c.Number)
	mustContain(t, e.say("quality.crew", "查 "+c.Number), "张三丰 13812345678", "重大投诉", "接单")
	// Another department's crew is refused (issue 13: the department rule
	// of the console and the API); a leader in charge of another
	// department sees the case with contacts masked.
	if r := e.say("supply.crew", "查 "+c.Number); !strings.Contains(r, "只能查看本部门") || strings.Contains(r, "张") {
		t.Fatalf("another department's crew: %q", r)
	}
	mustContain(t, e.say("leader.a", "查 "+c.Number), "张** 138****5678")
	g := staffText("quality.crew", "查 "+c.Number)
	g.ChatType = "group"
	mustContain(t, e.do(g), "张** 138****5678")
	mustContain(t, e.say("quality.crew", "帮助"), "措施 TS", "待办")
}
