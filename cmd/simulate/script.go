package main

import "strings"

// script answers the dialog's questions the way a real resident does:
// it recognises the question by its words, gives one wrong phone number
// first, and corrects the address at the read-back.
type script struct {
	opening      string
	phones       []string
	address      []string
	corrected    bool
	supplemented bool
}

func newScript(scenario string) *script {
	s := &script{
		opening: "你好，我们幸福小区这几天水压特别小，楼上洗澡都洗不了 😫",
		phones:  []string{"138 1234 567", "１３８ １２３４ ５６７８"},
		address: []string{"幸福小区3栋2单元501", "幸福小区5栋2单元501"},
	}
	if scenario == "emergency" {
		s.opening = "快来人！人民路和解放路路口水管爆了，水喷得老高，路面都在冒水"
		s.address = []string{"人民路与解放路交叉口东北角", "人民路与解放路交叉口东北角"}
		s.corrected = true
	}
	return s
}

// needsMore reports whether a reply that carries a case number still asks
// for information (an emergency filed before every item was known).
func (s *script) needsMore(reply string) bool {
	return strings.Contains(reply, "补充") && !strings.Contains(reply, "已补充")
}

func (s *script) answer(q string) string {
	switch {
	case strings.Contains(q, "核对"):
		if !s.corrected {
			s.corrected = true
			return "地址写错了"
		}
		return "确认"
	case strings.Contains(q, "上次您留的"):
		return "是的"
	case strings.Contains(q, "称呼") || strings.Contains(q, "姓名"):
		return "我姓王，叫王建国"
	case strings.Contains(q, "电话") || strings.Contains(q, "号码"):
		return pop(&s.phones)
	case strings.Contains(q, "地址"):
		return pop(&s.address)
	case strings.Contains(q, "怎么处理") || strings.Contains(q, "处理结果"):
		return "希望尽快恢复正常水压，给个说法"
	case strings.Contains(q, "哪一类"):
		return "2"
	default:
		return "从上周五开始，每天晚上七点到十点水最小，整栋楼都这样"
	}
}

// pop returns the first answer and keeps the last one for repeats.
func pop(list *[]string) string {
	v := (*list)[0]
	if len(*list) > 1 {
		*list = (*list)[1:]
	}
	return v
}
