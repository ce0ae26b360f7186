package intake

import (
	"context"
	"strings"
	"testing"

	"tapline/bot/dialog"
)

// TestFilingExplainsItsDecisions: the first event says where the case went
// and why (the category's words, the department of policy section 3), and,
// for a major case, the criterion of policy 4.1.3 and the words that fired.
func TestFilingExplainsItsDecisions(t *testing.T) {
	s, _, cases, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		d    *dialog.Draft
		want []string
	}{
		{&dialog.Draft{Key: "e1", ResidentID: "o-e1", Category: "meter", CategoryWhy: "抄表的、态度", Name: "钟丽",
			Address: "米市巷36号", Phone: "13588012345", Details: "今天来抄表的师傅态度太差了", Expectation: "道歉"},
			[]string{"分类：水表/抄表，转营业部，依据：抄表的、态度"}},
		{&dialog.Draft{Key: "e2", ResidentID: "o-e2", Category: "pipe_leak", CategoryWhy: "井盖", Name: "欧先生",
			Address: "学院路", Phone: "13736101234", Details: "学院路上的井盖不见了", Expectation: "盖上",
			Major: "safety", MajorWords: "井盖不见", Emergency: "danger"},
			[]string{"重大投诉（安全：“井盖不见”）"}},
		{&dialog.Draft{Key: "e3", ResidentID: "o-e3", Category: "water_quality", Name: "马丁", Address: "德胜东村3幢",
			Phone: "13812350001", Details: "水黄了一个礼拜没人管，再不处理我就发抖音曝光你们", Expectation: "马上处理"},
			[]string{"重大投诉（媒体曝光：“发抖音”）"}},
	}
	for _, tt := range tests {
		num, err := s.File(ctx, tt.d)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := cases.FindCaseByNumber(ctx, num)
		evs, err := cases.CaseEvents(ctx, c.ID)
		if err != nil || len(evs) == 0 {
			t.Fatalf("events %v %v", evs, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(evs[0].Text, w) {
				t.Errorf("%s: first event %q lacks %q", tt.d.Key, evs[0].Text, w)
			}
		}
	}
}
