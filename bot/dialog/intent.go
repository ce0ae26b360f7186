package dialog

import (
	"regexp"
	"strings"
)

// Whole-message commands, compared in compact form (letters and digits
// only, lower case).
var (
	cancelWords  = words("取消", "算了", "不投诉了", "不用了", "不投了", "不要了", "取消投诉", "算了不投诉了", "我不投诉了", "不想投诉了", "撤销", "撤销投诉")
	restartWords = words("重新开始", "重来", "重新填", "重新填写", "从头开始", "重新投诉", "重新来", "再来一次")
	humanWords   = words("人工", "转人工", "人工服务", "人工客服", "找人工", "客服", "我要人工", "真人", "接人工")
	queryWords   = words("查询", "我的投诉", "进度", "查进度", "查询进度", "投诉进度", "查看进度", "我的工单",
		"处理进度", "查询投诉", "我的投诉进度", "办理进度", "查一下进度", "查投诉", "投诉查询", "查看我的投诉")
	helpWords = words("帮助", "help", "菜单", "怎么用", "怎么投诉", "使用说明")
	// submitWords only make sense as the answer to a read-back: without a
	// draft they mean the draft was lost.
	submitWords  = words("确认", "确认提交", "提交", "确认无误", "好的提交", "提交吧", "确定")
	confirmWords = words("确认", "是的", "对", "没问题", "提交", "好的", "ok", "okay", "是", "对的", "可以", "确定",
		"嗯", "好", "行", "没错", "确认提交", "正确", "yes", "y", "嗯嗯", "对的没问题", "确认无误", "好的提交", "没有问题", "提交吧", "对没问题")
	changeWords = words("修改", "不对", "有错", "改一下", "要改", "错了", "需要修改", "不正确", "改", "有误", "我要修改", "不是")
	yesWords    = words("是", "是的", "对", "好", "好的", "可以", "继续使用", "用", "继续", "嗯", "ok", "行", "没变",
		"一样", "不变", "用上次的", "对的", "继续用", "使用", "没问题", "yes", "y", "嗯嗯", "确认")
	noWords = words("不", "不是", "不用", "不用了", "不对", "换了", "新的", "变了", "不要", "否", "no", "不使用", "不一样")
	noneExp = words("没有", "无", "都行", "随便", "没什么", "没要求", "没有要求", "无要求", "不用了", "不用", "没",
		"都可以", "没意见", "你们看着办", "没有了", "暂无", "没什么要求", "看着办", "无所谓")
	negatives = words("不知道", "不清楚", "忘了", "不记得", "没有", "无", "不晓得", "不想说", "说过了", "刚说了",
		"刚才说过了", "刚才说了", "上面说了", "已经说了", "我说过了", "说了啊", "刚说过")
	caseNoRe = regexp.MustCompile(`(?i)TS\d{8}-\d{4,}`)
)

func words(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func isNegative(s string) bool { return negatives[compact(s)] }

// caseNumber returns the case number when the message is a query for one
// ("TS20261127-0042", "查询 ts20261127-0042").
func caseNumber(t string) string {
	n := caseNoRe.FindString(t)
	if n == "" || len([]rune(compact(t))) > len(compact(n))+8 {
		return ""
	}
	return strings.ToUpper(n)
}

// slotAliases are the words residents use for each slot in corrections.
var slotAliases = []struct {
	slot  State
	words []string
}{
	{StatePhone, []string{"联系电话", "电话号码", "手机号码", "手机号", "联系方式", "电话", "手机", "号码"}},
	{StateAddress, []string{"地址", "住址", "门牌号", "门牌"}},
	{StateName, []string{"名字", "姓名", "称呼"}},
	{StateCategory, []string{"问题类型", "投诉类型", "类型", "类别", "分类"}},
	{StateDetails, []string{"投诉内容", "问题描述", "情况描述", "内容", "描述", "详情"}},
	{StateExpectation, []string{"期望结果", "处理要求", "诉求", "期望", "要求", "希望"}},
}
