package policy

import "testing"

func TestPhraseMatching(t *testing.T) {
	tests := []struct {
		phrase, text string
		want         bool
	}{
		{"井盖…不见|丢|被偷", "学院路上的井盖不见了", true},
		{"井盖…不见|丢|被偷", "井盖一有车压过去就哐哐响", false},
		{"井盖…不见|丢|被偷", "井盖，不见了", false}, // parts never match across a pause
		{"水管…爆", "我家楼下那根大水管爆了", true},
		{"水管…爆", "水管子修好了没几天又坏了爆了", false}, // more than MaxGap apart
		{"#块", "这个月收了三百多块", true},
		{"#块", "一块抹布", true},
		{"#块", "块头大", false},
		{"收了#", "收了2600的接水费", true},
	}
	for _, tt := range tests {
		p, err := ParsePhrase(tt.phrase)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.In(tt.text); got != tt.want {
			t.Errorf("%q in %q = %v, want %v", tt.phrase, tt.text, got, tt.want)
		}
	}
	for _, bad := range []string{"", "…井盖", "井盖…", "a||b"} {
		if _, err := ParsePhrase(bad); err == nil {
			t.Errorf("ParsePhrase(%q) accepted", bad)
		}
	}
}

// TestMajorInContext: policy 4.1.3 fires on phrases in context, never on
// single everyday words, a negation or a meter-box lid; the words that
// fired are returned for the record.
func TestMajorInContext(t *testing.T) {
	p := MustLoad(t)
	tests := []struct{ text, criterion, words string }{
		{"学院路上的井盖不见了，差点有人掉进去", "safety", "井盖不见"},
		{"喝了自来水以后一家人都拉肚子", "safety", "拉肚子"},
		{"再不处理我就发抖音曝光你们", "media", "发抖音"},
		{"三十多户业主联名投诉", "group", "联名"},
		{"要求赔偿医药费", "compensation", "赔偿"},
		{"衣柜全泡坏了，损失很大", "loss", "全泡"},
		{"我已经找了律师", "legal", "律师"},
		{"家里停水了，没看到停水通知", "", ""},
		{"一到晚上三楼以上基本没水", "", ""},
		{"水有点异味，说不上来什么味", "", ""},
		{"楼下水表井的井盖坏了，盖不严实", "", ""},
		{"水表井的井盖不见了", "", ""},
		{"整栋楼的水都有点黄", "", ""},
		{"没有人受伤，就是路上全是水", "", ""},
		{"我也不要什么赔偿，只要修好就行", "", ""},
		{"我不想闹大，也不会去找媒体", "", ""},
	}
	for _, tt := range tests {
		c, w := p.MajorCriterion(tt.text)
		if c != tt.criterion || (tt.words != "" && w != tt.words) {
			t.Errorf("MajorCriterion(%q) = %q %q, want %q %q", tt.text, c, w, tt.criterion, tt.words)
		}
	}
}

func TestEmergenciesInContext(t *testing.T) {
	p := MustLoad(t)
	tests := []struct{ text, want string }{
		{"人民路和解放路路口水管爆了，水喷得老高", "burst_main"},
		{"楼道漏水流进电表箱了，还在冒火花", "danger"},
		{"水龙头放出来的水有很浓的汽油味", "contamination"},
		{"家里停水一整天了", ""},
		{"小区好多户都停水了", ""},
		{"水发黄有异味", ""},
		{"井盖一直哐哐响", ""},
		{"楼下水表井的井盖坏了", ""},
	}
	for _, tt := range tests {
		e, _ := p.EmergencyMatch(tt.text)
		got := ""
		if e != nil {
			got = e.Key
		}
		if got != tt.want {
			t.Errorf("EmergencyMatch(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestClassifyByPolicySection3: specific phrases decide the department
// (the misroutings).
func TestClassifyByPolicySection3(t *testing.T) {
	p := MustLoad(t)
	tests := []struct{ text, want string }{
		{"今天来抄表的师傅态度太差了，直接骂人", "meter"},             // policy 3.3, not repair
		{"新装水表收了2600的接水费和材料费，收费太高了", "engineering"}, // policy 3.4, not billing
		{"从昨天晚上开始家里水龙头就不出水了", "water_pressure"},     // 停水
		{"你们修水管把我家外墙弄裂了", "repair"},
		{"上个月抄表员根本没来抄表，水费账单估算得特别高", "billing"},
		{"交了水费要开增值税发票，财务一直拖着不给开", "finance"},
		{"催费的人打电话过来语气特别凶，说不交就停水", "billing"},
		{"今天天气不错", ""},
	}
	for _, tt := range tests {
		if got, words := p.Classify(tt.text); got != tt.want {
			t.Errorf("Classify(%q) = %q (%v), want %q", tt.text, got, words, tt.want)
		}
	}
}
