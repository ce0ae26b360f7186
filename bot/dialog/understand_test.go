package dialog

import (
	"strings"
	"testing"
)

// TestNamesAsResidentsGiveThem: names are stored as written (issue 13 item
// 10: not cut at an apostrophe, no bidi controls), words that are no name
// are refused (issue 12: "你们这什么破系统", "刚说了", "快点来人", "不说！").
func TestNamesAsResidentsGiveThem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"李'小明", "李'小明"},
		{"我叫李'小明，电话13812345678", "李'小明"},
		{"\u202e王强\u202c", "王强"},
		{"我叫阿依古丽·买买提", "阿依古丽·买买提"},
		{"免贵姓欧阳，欧阳女士", "欧阳女士"},
		{"阿拉姓徐，徐阿姨", "徐阿姨"},
		{"我叫吴刚，电话13867554433", "吴刚"},
		{"姓钱，叫我钱大爷就行", "钱大爷"},
		{"你们这什么破系统", ""},
		{"刚说了", ""},
		{"快点来人", ""},
		{"不说！", ""},
		{"不好了", ""},
	}
	for _, tt := range tests {
		got, ok := parseName(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parseName(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestBidiControlsNeverKept(t *testing.T) {
	in := "\u202d红普路99号3幢\u202c\u2067你好\u2069\u200f"
	if got := normalize(in); got != "红普路99号3幢你好" {
		t.Fatalf("normalize(%q) = %q", in, got)
	}
	if a, ok := parseAddress("\u202e红普路99号3幢"); !ok || a != "红普路99号3幢" {
		t.Fatalf("address %q %v", a, ok)
	}
}

func TestPhonesAsTyped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0571-8888 6666 转 123", "0571-88886666-123"},
		{"一三九一二三四五六七八。", "13912345678"},
		{"幺三八 幺二三四 五六七八", "13812345678"},
		{"电话号码是一五八 六七一二 三四五六，白天打这个", "15867123456"},
		{"我电话是138 1234 5670 哦不对 是138 1234 5607", "13812345607"},
		{"+86 186 5717 3344", "18657173344"},
		{"0086 139 0000 2222", "13900002222"},
		{"座机 86091234", "86091234"},
	}
	for _, tt := range tests {
		if got, _ := parsePhone(tt.in); got != tt.want {
			t.Errorf("parsePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := normalize("石祥路七十八号，五栋"); got != "石祥路七十八号，五栋" {
		t.Errorf("an address number turned into digits: %q", got)
	}
}

// TestExpectationWhole: the expectation is kept over its clauses (the
// issue's "希望重新核实读数，退还多收的水费").
func TestExpectationWhole(t *testing.T) {
	p := mustPolicy(t)
	tests := []struct{ in, want string }{
		{"这个月水费386块，平时四五十，希望重新核实读数，退还多收的水费", "希望重新核实读数，退还多收的水费"},
		{"六楼以上基本没水，希望尽快恢复正常水压，给个说法", "希望尽快恢复正常水压，给个说法"},
		{"漏水三天了，麻烦尽快派人来修一下", "麻烦尽快派人来修一下"},
		{"希望尽快处理，已经三天了", "希望尽快处理"},
	}
	for _, tt := range tests {
		if got := mine(p, tt.in).Expect; got != tt.want {
			t.Errorf("mine(%q).Expect = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"希望尽快处理，孩子们洗手都成问题", "希望尽快处理，孩子们洗手都成问题"},
		{"没什么要求，你们看着办吧", NoExpectation},
		{"诉求：尽快修好，别浪费水。", "诉求:尽快修好，别浪费水"}, // full-width ：folds to :
	} {
		if got, ok := expectationAnswer(tt.in, mine(p, tt.in)); !ok || got != tt.want {
			t.Errorf("expectationAnswer(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// TestPlacesAsAddresses: a place a crew can find is an address as the
// resident wrote it; "我家门口" or a bare road is not.
func TestPlacesAsAddresses(t *testing.T) {
	tests := []struct{ in, want string }{
		{"就是市一医院东门对面，公交站旁边", "市一医院东门对面，公交站旁边"},
		{"中山路营业厅", "中山路营业厅"},
		{"在你们公司总部三楼财务室", "公司总部三楼财务室"},
		{"文一路和学院路交叉口东北角", "文一路和学院路交叉口东北角"},
		{"我屋头在 石桥路279号 3栋 1单元", "石桥路279号 3栋 1单元"},
		{"石祥路七十八号，五栋，二单元。", "石祥路七十八号，五栋，二单元"},
		{"就在我家门口", ""},
		{"人民路", ""},
		{"就在公园里", ""},
	}
	for _, tt := range tests {
		got, ok := parseAddress(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parseAddress(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestCorrectionsAnywhere(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "我家住在碧水苑3栋1单元701，水压太小，热水器都打不着火，七楼，这周开始的")
	h.expect("o1", "不是3栋是5栋", "地址已更新")
	if d := h.draft("o1"); d.Address != "碧水苑5栋1单元701" {
		t.Fatalf("address %q", d.Address)
	}
	h.say("o1", "聂红")
	h.say("o1", "13858001234")
	h.expect("o1", "把水压调上去", "请核对")
	h.expect("o1", "电话打错了，应该是13858001243", "联系电话已更新", "电话：13858001243")
	h.expect("o1", "不对，是碧水苑15栋1单元701", "地址已更新", "地址：碧水苑15栋1单元701")
	h.expect("o1", "对的确认", "编号")
}

func TestNameRefusedThenRecorded(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "楼道里的水管滴水，滴了一个星期了")
	h.expect("o1", "不想说", "需要一个称呼")
	h.expect("o1", "不说", "详细地址")
	if d := h.draft("o1"); d.Name != NoName {
		t.Fatalf("name %q", d.Name)
	}
}

func TestPlaceTakenAfterTwoReasks(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "我叫邱红，公园里面的饮水机接出来的水是浑的，今天上午发现的")
	h.expect("o1", "就在公园里", "地址还不够具体")
	h.expect("o1", "公园里面，进门往左走", "地址还不够具体")
	h.expect("o1", "我也不知道叫什么公园，就在河边上", "工作人员会电话和您确认具体位置", "电话")
	if d := h.draft("o1"); !strings.HasSuffix(d.Address, uncheckedPlace) {
		t.Fatalf("address %q", d.Address)
	}
}

// TestSeveralComplaintsInOneMessage: each is filed for its own department
// with the contact details given once.
func TestSeveralComplaintsInOneMessage(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "两个事：一是水费多收了，这个月收了300，平时80；二是上次来修水管的师傅把我家墙砸了个洞也没补。我叫邢飞，电话13812360001，住湖州街58号3幢")
	h.expect("o1", "把多收的钱退了", "类型：水费/催费")
	h.expect("o1", "确认", "编号 TS20261127-0042", "另外登记这一件", "怎么处理")
	h.expect("o1", "把墙补好", "类型：维修质量", "姓名：邢飞")
	h.expect("o1", "确认", "编号 TS20261127-0043")
	first, second := h.filer.filed["TS20261127-0042"], h.filer.filed["TS20261127-0043"]
	if first.Category != "billing" || second.Category != "repair" || second.Phone != "13812360001" ||
		!strings.Contains(second.Details, "墙砸了个洞") || strings.Contains(first.Details, "墙") {
		t.Fatalf("filed\n%+v\n%+v", first, second)
	}
}
