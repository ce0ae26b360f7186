package dialog

import (
	"context"
	"strings"
	"testing"
	"time"

	"tapline/bot"
	"tapline/models"
)

const happyMessage = "你好，我叫张三，电话13812345678，住幸福路12号3栋，这两天自来水发黄有味道，希望尽快处理"

func TestHappyPathInOneMessage(t *testing.T) {
	h := newHarness(t)
	h.expect("o1", happyMessage, "类型：水质问题", "姓名：张三", "地址：幸福路12号3栋", "电话：13812345678",
		"问题：这两天自来水发黄有味道", "诉求：希望尽快处理", "确认")
	key := h.draft("o1").Key
	if !strings.HasPrefix(key, "o1:") || len(key) != len("o1:")+16 {
		t.Fatalf("draft key %q, want o1:<16 hex>", key)
	}
	h.expect("o1", "确认", "您的投诉已受理，编号 TS20261127-0042")
	if h.session("o1") != nil {
		t.Fatal("session kept after filing")
	}
	d := h.filer.filed["TS20261127-0042"]
	if d.Key != key || d.Category != "water_quality" || d.Name != "张三" || d.Phone != "13812345678" ||
		d.Address != "幸福路12号3栋" || d.Expectation != "希望尽快处理" || d.ResidentID != "o1" {
		t.Fatalf("filed draft %+v", d)
	}
	r, err := h.res.FindResident(context.Background(), "o1")
	if err != nil || r.Name != "张三" || r.Phone != "13812345678" || r.Address != "幸福路12号3栋" {
		t.Fatalf("resident saved as %+v, %v", r, err)
	}
}

func TestSlotBySlot(t *testing.T) {
	h := newHarness(t)
	h.expect("o1", "你好", "请直接说说遇到了什么问题")
	h.expect("o1", "你好，我想投诉一下", "请直接说说遇到了什么问题")
	if h.session("o1") != nil {
		t.Fatal("a greeting opened a draft")
	}
	h.expect("o1", "水龙头出来的水有股漂白粉味，昨天开始的", "怎么称呼您")
	h.expect("o1", "王五", "详细地址")
	h.expect("o1", "我家住在 幸福路12号3栋2单元301", "电话")
	h.expect("o1", "0571-8888 6666", "怎么处理")
	h.expect("o1", "希望尽快派人来看看", "地址：幸福路12号3栋2单元301", "电话：0571-88886666", "问题：水龙头出来的水有股漂白粉味，昨天开始的")
	h.expect("o1", "好的！", "编号 TS20261127-0042")
}

func TestCategoryMenu(t *testing.T) {
	tests := []struct{ answer, want string }{
		{"1", "water_quality"},
		{"３", "pipe_leak"},
		{"第2个", "water_pressure"},
		{"水费", "billing"},
		{"其他", "other"},
		{"就是水表走得特别快", "meter"},
	}
	for _, tt := range tests {
		h := newHarness(t)
		h.expect("o1", "说不清楚，反正就是有事情", "哪一类问题", "1. 水质问题", "11. 其他")
		h.say("o1", tt.answer)
		if got := h.draft("o1").Category; got != tt.want {
			t.Errorf("menu answer %q → %q, want %q", tt.answer, got, tt.want)
		}
	}
}

func TestInvalidPhoneThenHuman(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "我叫张三，住幸福路12号，水压太小了，三楼，这周开始的")
	h.expect("o1", "1381234567", "这个号码好像不对")
	h.expect("o1", "abc", "这个号码好像不对")
	got := h.expect("o1", "12345", "这个号码好像不对", "人工")
	if strings.Count(got, "人工") < 1 || h.session("o1").Fails[StatePhone] != 3 {
		t.Fatalf("third failure: %q, fails %v", got, h.session("o1").Fails)
	}
	h.expect("o1", "人工", "请留下您的联系电话", "0571-00000000")
	h.expect("o1", "１３８ １２３４ ５６７８", "热线工作人员会尽快致电 13812345678", "编号 TS20261127-0042")
	if d := h.filer.filed["TS20261127-0042"]; d.Phone != "13812345678" || d.Expectation != "" {
		t.Fatalf("call-back filed as %+v", d)
	}
}

func TestHumanWithoutDraft(t *testing.T) {
	h := newHarness(t)
	h.expect("o1", "人工", "0571-00000000")
	if h.session("o1") != nil || h.filer.count() != 0 {
		t.Fatal("human request without a draft stored or filed something")
	}
}

func TestCorrections(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "水表不走了")
	h.expect("o1", "李四", "地址")
	h.expect("o1", "名字错了", "请告诉我正确的姓名")
	h.expect("o1", "李思", "地址") // back where the dialog was
	h.expect("o1", "人民路8号", "电话")
	h.expect("o1", "地址是人民路18号", "地址已更新", "电话") // set directly, mid-way
	h.expect("o1", "地址写错了", "正确的地址")
	h.expect("o1", "我家住人民路18号", "电话")
	h.expect("o1", "13812345678", "怎么处理")
	h.expect("o1", "无", "姓名：李思", "地址：人民路18号", "诉求：无")
	h.expect("o1", "改地址", "正确的地址")
	h.expect("o1", "人民路28号", "地址：人民路28号", "请核对")
	h.expect("o1", "电话改成13912345678", "联系电话已更新", "电话：13912345678")
	h.expect("o1", "不对", "要修改哪一项")
	h.expect("o1", "随便", "1–6")
	h.expect("o1", "2", "正确的姓名")
	h.expect("o1", "本人王五", "姓名：王五")
	h.expect("o1", "修改", "哪一项")
	h.expect("o1", "1", "哪一类问题")
	h.expect("o1", "水费", "类型：水费/催费")
	h.expect("o1", "确认", "编号")
	d := h.filer.filed["TS20261127-0042"]
	if d.Name != "王五" || d.Address != "人民路28号" || d.Phone != "13912345678" || d.Category != "billing" {
		t.Fatalf("filed %+v", d)
	}
}

func TestReturningResident(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.res.SaveResident(ctx, &models.Resident{OpenID: "o1", Name: "张三", Phone: "13812345678", Address: "幸福路12号"}); err != nil {
		t.Fatal(err)
	}
	h.expect("o1", "水压太小，洗澡都洗不了，我家五楼，这两天开始的", "上次您留的联系方式是：张三 13812345678 幸福路12号", "回复“是”")
	h.expect("o1", "是的", "怎么处理")
	h.expect("o1", "没有", "姓名：张三", "电话：13812345678")

	// A new number instead of "yes" is the new answer; name and address are asked.
	h.expect("o2", "你好", "遇到了什么问题")
	if err := h.res.SaveResident(ctx, &models.Resident{OpenID: "o2", Name: "李四", Phone: "13700001111"}); err != nil {
		t.Fatal(err)
	}
	h.expect("o2", "水费多收了两百，平时才五十", "上次您留的联系方式是：李四 13700001111")
	h.expect("o2", "13912345678", "怎么称呼")
	if d := h.draft("o2"); d.Phone != "13912345678" || d.Name != "" {
		t.Fatalf("offer answered with a new number: %+v", d)
	}
}

func TestCancelRestart(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "水表不走了")
	h.expect("o1", "取消", "已为您取消")
	if h.session("o1") != nil {
		t.Fatal("cancel kept the session")
	}
	h.expect("o1", "算了", "没有正在填写的投诉")
	h.say("o1", "水表不走了")
	k1 := h.draft("o1").Key
	h.expect("o1", "重新开始", "重新开始")
	if d := h.draft("o1"); d.Key == k1 || d.Key == "" || d.Category != "" || h.session("o1").State != StateDescribe {
		t.Fatalf("restart kept the old draft: %+v", d)
	}
	h.expect("o1", "井盖丢了", "远离危险区域")
}

func TestResumeAndExpiry(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "水表不走了")
	h.clock.advance(3 * time.Hour)
	h.expect("o1", "在吗", "欢迎回来", "水表/抄表", "怎么称呼")
	h.clock.advance(time.Hour)
	h.expect("o1", "张三", "欢迎回来", "地址")
	h.clock.advance(25 * time.Hour)
	got := h.expect("o1", "幸福路12号", "已超过保存时间")
	if strings.Contains(got, "欢迎回来") {
		t.Fatalf("expired draft resumed: %s", got)
	}
	if d := h.draft("o1"); d.Name != "" || d.Address != "幸福路12号" {
		t.Fatalf("after expiry the draft is %+v", d)
	}
	if h.store.ttl != 2*DefaultTTL {
		t.Fatalf("store TTL %v", h.store.ttl)
	}
}

func TestExpiredGreetingDropsTheDraft(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "水表不走了")
	h.clock.advance(DefaultTTL + time.Minute)
	h.expect("o1", "你好", "已超过保存时间", "遇到了什么问题")
	if h.session("o1") != nil {
		t.Fatal("stale session kept")
	}
}

func TestPhotoVoiceLocation(t *testing.T) {
	h := newHarness(t)
	got := h.send(bot.Update{Kind: bot.KindImage, SenderID: "o1", MediaID: "m1", PicURL: "http://img/1"})
	if !strings.Contains(got, "照片已收到") || !strings.Contains(got, "说说遇到了什么问题") {
		t.Fatalf("image first: %s", got)
	}
	h.expect("o1", "小区门口的水管漏水了", "怎么称呼")
	h.send(bot.Update{Kind: bot.KindVoice, SenderID: "o1", MediaID: "v1"})
	got = h.send(bot.Update{Kind: bot.KindLocation, SenderID: "o1", Lat: 30.27, Lng: 120.15, Label: "浙江省杭州市西湖区幸福路12号"})
	if !strings.Contains(got, "位置已收到：浙江省杭州市西湖区幸福路12号") || !strings.Contains(got, "怎么称呼") {
		t.Fatalf("location: %s", got)
	}
	got = h.send(bot.Update{Kind: bot.KindVoice, SenderID: "o1", MediaID: "v2", Text: "我叫张三。"})
	if !strings.Contains(got, "电话") {
		t.Fatalf("recognised voice not used as text: %s", got)
	}
	d := h.draft("o1")
	if len(d.Attachments) != 3 || d.Attachments[0].MediaID != "m1" || d.Attachments[0].URL != "http://img/1" ||
		d.Attachments[1].Kind != "voice" || d.Attachments[2].Lat != 30.27 || d.Address != "浙江省杭州市西湖区幸福路12号" || d.Name != "张三" {
		t.Fatalf("draft %+v", d)
	}
}

func TestEmergencyThenSupplement(t *testing.T) {
	h := newHarness(t)
	got := h.expect("o1", "马路上水管爆了，到处都是水！", "远离冒水和塌陷区域", "已按紧急情况登记，编号 TS20261127-0042", "详细地址")
	if strings.Index(got, "远离") > strings.Index(got, "编号") {
		t.Fatalf("guidance must come first: %s", got)
	}
	d := h.draft("o1")
	if d.Number != "TS20261127-0042" || d.Major != "safety" || d.Emergency != "burst_main" || d.Category != "pipe_leak" {
		t.Fatalf("draft after emergency %+v", d)
	}
	if f := h.filer.filed["TS20261127-0042"]; f.Emergency != "burst_main" || f.Name != "" {
		t.Fatalf("emergency filing %+v", f)
	}
	// Where and how to reach the resident come first, and each goes on the case at once.
	h.expect("o1", "解放路与人民路交叉口往东50米", "已补充到您的紧急投诉（编号 TS20261127-0042）", "电话")
	if s := h.filer.supplemented["TS20261127-0042"]; s.Address != "解放路与人民路交叉口往东50米" || s.Phone != "" {
		t.Fatalf("the crew's card lacks the address: %+v", s)
	}
	h.expect("o1", "张三 13812345678", "已补充到您的紧急投诉", "怎么处理")
	if s := h.filer.supplemented["TS20261127-0042"]; s.Phone != "13812345678" || s.Name != "张三" {
		t.Fatalf("the crew's card lacks the phone: %+v", s)
	}
	h.expect("o1", "赶紧派人来修", "信息已补充到您的投诉（编号 TS20261127-0042）")
	s := h.filer.supplemented["TS20261127-0042"]
	if s.Name != "张三" || s.Phone != "13812345678" || s.Address == "" || s.Expectation != "赶紧派人来修" || h.filer.count() != 1 {
		t.Fatalf("supplement %+v (cases %d)", s, h.filer.count())
	}
	if h.session("o1") != nil {
		t.Fatal("session kept after supplement")
	}
}

func TestEmergencyMidDraft(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "我叫李四，水费好像多收了")
	h.expect("o1", "楼上水管爆了，水从天花板往下灌", "关闭总阀", "编号 TS20261127-0042", "地址")
	if d := h.draft("o1"); d.Category != "pipe_leak" || d.Major != "safety" || !strings.Contains(d.Details, "水管爆了") {
		t.Fatalf("%+v", d)
	}
}

func TestFilerUnavailableThenConfirmAgain(t *testing.T) {
	h := newHarness(t)
	h.say("o1", happyMessage)
	key := h.draft("o1").Key
	h.filer.setErr(models.Errorf(models.EUNAVAILABLE, "database down"))
	got := h.expect("o1", "确认", "系统暂时繁忙，您的投诉内容已保存，请稍后回复“确认”再次提交")
	if strings.Contains(got, "database") || h.session("o1").State != StateConfirm {
		t.Fatalf("reply %q, state %v", got, h.session("o1").State)
	}
	h.filer.setErr(context.DeadlineExceeded) // any other error: the same calm text
	h.expect("o1", "确认", "系统暂时繁忙")
	h.filer.setErr(nil)
	h.expect("o1", "确认", "编号 TS20261127-0042")
	if h.filer.byKey[key] != "TS20261127-0042" || h.filer.count() != 1 {
		t.Fatalf("filed under %v", h.filer.byKey)
	}
}

func TestEmergencyFilingFails(t *testing.T) {
	h := newHarness(t)
	h.filer.setErr(models.Errorf(models.EUNAVAILABLE, "down"))
	h.expect("o1", "小区门口水管爆了，水喷得老高", "远离冒水", "请立即拨打热线 0571-00000000", "详细地址")
	h.filer.setErr(nil)
	h.say("o1", "阳光小区5栋门口")
	h.say("o1", "13812345678")
	h.say("o1", "张三")
	h.expect("o1", "尽快修好", "信息已补充到您的投诉（编号 TS20261127-0042）")
	if d := h.filer.supplemented["TS20261127-0042"]; d.Name != "张三" || d.Emergency != "burst_main" {
		t.Fatalf("%+v", d)
	}
}

func TestQueriesNeverLeak(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	h.cases.cases = []*models.Case{
		{Number: "TS20261120-0001", ResidentID: "o1", Category: "billing", Status: models.StatusAssigned, CreatedAt: at},
		{Number: "TS20261120-0002", ResidentID: "o2", Category: "meter", Status: models.StatusReceived, CreatedAt: at, Name: "王秘密"},
	}
	got := h.expect("o1", "我的投诉", "TS20261120-0001 水费/催费 已转交责任部门处理（2026-11-20）")
	if strings.Contains(got, "0002") {
		t.Fatalf("listed another resident's case: %s", got)
	}
	h.expect("o1", "ts20261120-0001", "状态：已转交责任部门处理")
	got = h.expect("o1", "查询 TS20261120-0002", "未找到")
	if strings.Contains(got, "水表") || strings.Contains(got, "王") {
		t.Fatalf("leaked: %s", got)
	}
	h.expect("o3", "进度", "暂时没有查到")
	h.say("o1", "水表不走了")
	h.expect("o1", "进度", "TS20261120-0001", "怎么称呼")
	got = h.send(bot.Update{Kind: bot.KindEvent, SenderID: "o2", Event: "CLICK", EventKey: "QUERY"})
	if !strings.Contains(got, "TS20261120-0002") || strings.Contains(got, "0001") {
		t.Fatalf("menu query: %s", got)
	}
}

func TestEventsAndOtherKinds(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		u    bot.Update
		want string
	}{
		{bot.Update{Kind: bot.KindEvent, Event: "subscribe"}, "欢迎关注"},
		{bot.Update{Kind: bot.KindEvent, Event: "unsubscribe"}, ""},
		{bot.Update{Kind: bot.KindEvent, Event: "CLICK", EventKey: "COMPLAIN"}, "遇到了什么问题"},
		{bot.Update{Kind: bot.KindOther}, "只能接收文字、照片、语音和位置"},
		{bot.Update{Kind: bot.KindText, Text: "   "}, "遇到了什么问题"},
		{bot.Update{Kind: bot.KindText, Text: "帮助"}, "我的投诉"},
	}
	for _, tt := range tests {
		tt.u.SenderID = "o9"
		got := h.send(tt.u)
		if (tt.want == "" && got != "") || !strings.Contains(got, tt.want) {
			t.Errorf("%+v → %q, want %q", tt.u, got, tt.want)
		}
	}
	if h.session("o9") != nil {
		t.Fatal("events opened a draft")
	}
	h.say("o9", "水表不走了")
	if got := h.send(bot.Update{Kind: bot.KindOther, SenderID: "o9"}); !strings.Contains(got, "怎么称呼") {
		t.Fatalf("unsupported mid-draft does not repeat the question: %s", got)
	}
	if got := h.say("o9", ""); !strings.Contains(got, "称呼") {
		t.Fatalf("empty text: %s", got)
	}
}

func TestHostileAndHugeInput(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("水发黄😡", 1250)  // 5 000 runes
	got := h.expect("o1", long, "什么时候开始") // the colour is said, not since when: the follow-up
	if d := h.draft("o1"); len([]rune(d.Details)) != MaxDetails {
		t.Fatalf("details %d runes, reply %q", len([]rune(d.Details)), got)
	}
	h.say("o2", "<script>alert(1)</script>'; DROP TABLE cases;-- 水管漏水")
	if d := h.draft("o2"); !strings.Contains(d.Details, "<script>alert(1)</script>'; DROP TABLE cases;--") {
		t.Fatalf("details changed: %q", d.Details)
	}
}
