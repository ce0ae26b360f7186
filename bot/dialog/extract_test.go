package dialog

import (
	"testing"

	"tapline/bot/policy"
)

func mustPolicy(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"13812345678", "13812345678", true},
		{"１３８ １２３４ ５６７８", "13812345678", true},
		{"138-1234-5678", "13812345678", true},
		{"+86 138 1234 5678", "13812345678", true},
		{"8613812345678", "13812345678", true},
		{"我的手机是13912345678谢谢", "13912345678", true},
		{"0571-8888 6666", "0571-88886666", true},
		{"057188886666", "0571-88886666", true},
		{"(0571)88886666", "0571-88886666", true},
		{"010-62345678", "010-62345678", true},
		{"+86-571-88886666", "0571-88886666", true},
		{"88886666", "88886666", true},
		{"8888666", "8888666", true},
		{"1381234567", "", false},   // ten digits
		{"138123456789", "", false}, // twelve digits
		{"12345678901", "", false},  // 12 is no mobile prefix
		{"12345", "", false},
		{"不知道", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := parsePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parsePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFindPhoneInFreeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"我叫张三，电话13812345678，住幸福路12号", "13812345678"},
		{"幸福路12号3栋2单元水管漏水", ""},               // no number in an address
		{"水费多收了1234567元", ""},                 // a bare local number needs a phone word
		{"电话 88886666", "88886666"},           // hinted local number
		{"上个月2026-11-27停水了", ""},              // a date is no phone
		{"打0571-88886666找我", "0571-88886666"}, // landline anywhere
	}
	for _, tt := range tests {
		p, _ := findPhone(normalize(tt.in), false)
		if p.Value != tt.want {
			t.Errorf("findPhone(%q) = %q, want %q", tt.in, p.Value, tt.want)
		}
	}
}

func TestFindAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"我家在幸福路12号3栋2单元，水很黄", "幸福路12号3栋2单元"},
		{"住幸福路12号3栋", "幸福路12号3栋"},
		{"幸福路12号3栋2单元301水管坏了", "幸福路12号3栋2单元301"},
		{"我住在阳光小区5栋1单元，停水了", "阳光小区5栋1单元"},
		{"杭州市西湖区文三路100号", "杭州市西湖区文三路100号"},
		{"我家3栋2单元水很黄", "3栋2单元"},
		{"张家村3组", "张家村3组"},
		{"整个小区都停水了", ""},
		{"马路上冒水", ""},
		{"楼上漏水到我家", ""},
		{"我不知道", ""},
		{"12号那天停水了", ""},
		{"超市门口漏水", ""},
	}
	for _, tt := range tests {
		r := []rune(normalize(tt.in))
		s, e, ok := findAddress(r)
		got := ""
		if ok {
			got = string(r[s:e])
		}
		if got != tt.want {
			t.Errorf("findAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"幸福路12号", "幸福路12号", true},
		{"我家住在幸福路12号3栋", "幸福路12号3栋", true},
		{"地址是人民路8号", "人民路8号", true},
		{"阳光花园", "阳光花园", true},
		{"人民路与解放路交叉口东北角", "人民路与解放路交叉口东北角", true},
		{"解放路口", "", false},
		{"城南新区A区7-2-301", "城南新区A区7-2-301", true},
		{"东门口老粮站边上第3家", "东门口老粮站边上第3家", true}, // six or more with a number
		{"不知道", "", false},
		{"3栋", "", false},
		{"在哪里？", "", false},
		{"张三", "", false},
		{"幸福路\x0012号\x1b[31m", "幸福路12号[31m", true}, // FuzzAnswers: control characters dropped
	}
	for _, tt := range tests {
		got, ok := parseAddress(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseAddress(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"张三", "张三", true},
		{"我叫张三", "张三", true},
		{"我是李女士", "李女士", true},
		{"本人王五", "王五", true},
		{"姓赵", "赵", true},
		{"免贵姓欧阳", "欧阳", true},
		{"我姓王，叫王建国", "王建国", true},
		{"我姓王，叫人来修一下", "王", true},
		{"姓李，我叫李梅", "李梅", true},
		{"张先生", "张先生", true},
		{"阿卜杜拉·买买提", "阿卜杜拉·买买提", true},
		{"好的", "", false},
		{"张三3", "", false},
		{"不想说", "", false},
		{"为什么要名字？", "", false},
		{"", "", false},
		// found by FuzzAnswers: control characters were kept as a name
		{"\x00", "", false},
		{"张\x00三\x07", "张三", true},
	}
	for _, tt := range tests {
		got, ok := parseName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseName(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMine(t *testing.T) {
	p := mustPolicy(t)
	tests := []struct {
		in   string
		want found
	}{
		{"你好，我叫张三，电话13812345678，住幸福路12号3栋，这两天自来水发黄有味道，希望尽快处理",
			found{Category: "water_quality", Name: "张三", Phone: "13812345678", Address: "幸福路12号3栋",
				Details: "这两天自来水发黄有味道", Expect: "希望尽快处理"}},
		{"我家在幸福路12号3栋2单元，水很黄", found{Category: "water_quality", Address: "幸福路12号3栋2单元", Details: "水很黄"}},
		{"我是李女士，水费多收了200块，要求退还", found{Category: "billing", Name: "李女士", Details: "水费多收了200块", Expect: "要求退还"}},
		{"本人王五 手机 139 1234 5678 小区门口水管漏水好几天了", found{Category: "pipe_leak", Name: "王五", Phone: "13912345678", Details: "小区门口水管漏水好几天了"}},
		{"姓赵，水表不走了", found{Category: "meter", Name: "赵", Details: "水表不走了"}},
		{"人民路和解放路路口水管爆了", found{Category: "pipe_leak", Address: "人民路和解放路路口", Details: "水管爆了"}},
		{"我们幸福小区这几天水压特别小", found{Category: "water_pressure", Details: "我们幸福小区这几天水压特别小"}},
		{"你好", found{}},
		{"我要投诉", found{}},
		{"水质不符合要求", found{Category: "water_quality", Details: "水质不符合要求"}},
	}
	for _, tt := range tests {
		f := mine(p, tt.in)
		got := found{Category: f.Category, Name: f.Name, Address: f.Address, Phone: f.Phone, Details: f.Details, Expect: f.Expect}
		if got.Category != tt.want.Category || got.Name != tt.want.Name || got.Address != tt.want.Address ||
			got.Phone != tt.want.Phone || got.Details != tt.want.Details || got.Expect != tt.want.Expect {
			t.Errorf("mine(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func TestClassifyTiesGoFirst(t *testing.T) {
	p := mustPolicy(t)
	tests := []struct{ in, want string }{
		{"水很浑浊还有异味", "water_quality"},
		{"水压太小，高层没水", "water_pressure"},
		{"维修师傅修了三次都没修好", "repair"},
		{"发票开错了", "finance"},
		{"今天天气不错", ""},
	}
	for _, tt := range tests {
		if got, _ := classify(p, tt.in); got != tt.want {
			t.Errorf("classify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCorrection(t *testing.T) {
	tests := []struct {
		in    string
		slot  State
		value string
		ok    bool
	}{
		{"地址写错了", StateAddress, "", true},
		{"电话不对", StatePhone, "", true},
		{"名字错了", StateName, "", true},
		{"电话改成13912345678", StatePhone, "13912345678", true},
		{"地址是人民路8号", StateAddress, "人民路8号", true},
		{"改地址", StateAddress, "", true},
		{"电话错了，应该是13912345678", StatePhone, "13912345678", true},
		{"修改一下我的手机号：13912345678", StatePhone, "13912345678", true},
		{"水很黄", "", "", false},
		{"希望尽快处理", "", "", false},
	}
	for _, tt := range tests {
		slot, v, ok := correction(normalize(tt.in))
		if slot != tt.slot || v != tt.value || ok != tt.ok {
			t.Errorf("correction(%q) = %q, %q, %v; want %q, %q, %v", tt.in, slot, v, ok, tt.slot, tt.value, tt.ok)
		}
	}
}
