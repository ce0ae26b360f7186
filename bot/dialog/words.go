package dialog

import (
	"strings"

	"tapline/bot/policy"
)

// questionWords make a message a question ("到底什么时候给个答复").
var questionWords = []string{"?", "？", "吗", "什么时候", "啥时候", "几时", "多久", "几点", "为什么", "为啥", "凭什么",
	"能不能", "是不是", "有没有", "怎么回事", "怎么还", "咋回事", "咋还", "换啥", "干啥", "干什么", "什么意思", "啥意思",
	"多少钱", "哪天", "几号"}

// isQuestion reports whether s asks something.
func isQuestion(s string) bool { return containsAny(s, questionWords) }

// describes reports whether details say what the problem is: a bare
// question or urge with no complaint word in it describes nothing yet.
func describes(p *policy.Policy, details string) bool {
	if details == "" {
		return false
	}
	if k, _ := classify(p, details); k != "" {
		return true
	}
	return !isQuestion(details)
}

// refusals decline to give a name.
var refusals = []string{"不想说", "不说", "不告诉", "不方便", "保密", "匿名", "不留", "不想留", "不愿意", "不想透露",
	"没必要", "免了", "别问了", "不用知道"}

// isRefusal reports whether an answer to the name question declines it.
func isRefusal(s string) bool { return containsAny(compact(s), refusals) }

// noneWords say the resident expects nothing in particular.
var noneWords = []string{"没什么要求", "没有要求", "没要求", "没啥要求", "无所谓", "看着办", "都行", "随便", "没意见",
	"没有什么要求", "暂时没有", "没别的要求"}

// noExpectation reports whether s says there is no particular expectation.
func noExpectation(s string) bool { return containsAny(s, noneWords) }

// withoutNone removes the words of noneWords from s.
func withoutNone(s string) string {
	for _, w := range noneWords {
		s = strings.ReplaceAll(s, w, "")
	}
	return s
}

// demandWords ask for something to be done: an expectation goes on over
// the clauses that hold one ("希望重新核实读数，退还多收的水费").
var demandWords = []string{"退", "赔", "补偿", "修", "换", "派", "上门", "处理", "解决", "说法", "道歉", "解释", "恢复",
	"检测", "核实", "查", "回复", "答复", "通知", "公开", "安排", "清洗", "改", "开票", "给个", "给我", "尽快", "马上",
	"赶紧", "快点", "希望", "要求", "请", "并且", "同时", "以后", "下次", "别再", "不要再", "结果", "说明", "取样", "来人"}

// hasDemand reports whether s asks for something to be done.
func hasDemand(s string) bool { return containsAny(s, demandWords) }
