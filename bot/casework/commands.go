package casework

import (
	"slices"
	"strings"

	"tapline/models"
)

// Spec declares one staff command once: its words, the text it needs, its
// example and, for a lifecycle action, the transition and who may take it.
// The parser, the permission checks and their refusals, help, "did you
// mean", the console's forms and the API's action list are all derived
// from Specs (issue 15: one definition per concept).
type Spec struct {
	Action string
	// Words are the command words; Words[0] is the command's name.
	Words []string
	// Usage is the example shown in help and in refusals.
	Usage string
	// Needs names what the text must say ("" when none is needed); a text
	// shorter than MinRunes is refused with it.
	Needs    string
	MinRunes int
	// Rule is the transition of a lifecycle action; nil for a query.
	Rule *Rule
	// Help is a query's line in help; Leaders shows it to leaders only.
	Help    string
	Leaders bool
	// Clock is what the action does to the case's running clocks besides
	// the status change's own: ClockPause or ClockResume ("" = nothing).
	Clock string
}

// What an action does to a case's clocks (Spec.Clock).
const (
	ClockPause  = "pause"  // running clocks stop with their allowance kept
	ClockResume = "resume" // paused clocks run again with what they had left
)

// Name is the command's display name: its first word.
func (sp Spec) Name() string { return sp.Words[0] }

// NeedsText reports whether the command must carry a text.
func (sp Spec) NeedsText() bool { return sp.Needs != "" }

// rule is a transition: from which statuses, to which (or "" to keep it),
// taken by whom.
func rule(from []string, to string, who ...string) *Rule { return &Rule{From: from, To: to, Who: who} }

// list is a literal list of words or statuses.
func list(s ...string) []string { return s }

// afterAccept are the statuses in which measures are proposed (policy
// 4.2.5, 4.2.6).
var afterAccept = list(models.StatusAccepted, models.StatusMeasuresProposed)

// specs are the staff commands, lifecycle actions first in the order help
// shows them (policy section 4).
var specs = []Spec{
	{Action: ActAccept, Words: list("接单", "受理", "领取"), Usage: "接单 TS20261127-0001",
		Rule: rule(list(models.StatusAssigned), models.StatusAccepted, WhoDeptStaff)}, // policy 4.2.1
	{Action: ActNote, Words: list("进展", "进度", "备注", "反馈"), Needs: "进展内容",
		Usage: "进展 TS20261127-0001 已到现场查看（几分钟内发的照片会附到这条进展）", Rule: rule(noteFrom, "", WhoDeptStaff)},
	{Action: ActAsk, Words: list("问", "问居民", "询问", "提问"), Needs: "要问居民的问题",
		Usage: "问 TS20261127-0001 请问哪天方便上门？（转达居民，回复会发回本群）", Rule: rule(noteFrom, "", WhoDeptStaff)}, // policy 4.2.2
	{Action: ActTransfer, Words: list("转派", "转交", "转办"), Needs: "部门和理由", Usage: "转派 TS20261127-0001 施工队 属于管道维修",
		Rule: rule(list(models.StatusReceived, models.StatusAssigned, models.StatusAccepted), models.StatusAssigned, WhoDeptStaff, WhoHotline)}, // policy 4.1.2
	{Action: ActPropose, Words: list("措施", "处理措施", "方案"), Needs: "做什么、什么时候、由谁来做", MinRunes: 4,
		Usage: "措施 TS20261127-0001 明天上午由维修班上门更换水表并致歉", Rule: rule(afterAccept, models.StatusMeasuresProposed, WhoDeptStaff)}, // policy 4.2.5
	{Action: ActUnfounded, Words: list("不属实", "投诉不属实"), Needs: "核查经过和向居民的说明", MinRunes: 4,
		Usage: "不属实 TS20261127-0001 经核查读数正确，说明如下……", Rule: rule(afterAccept, models.StatusNegotiating, WhoDeptStaff)}, // policy 4.2.6
	{Action: ActApprove, Words: list("批准", "审批通过", "通过", "同意"), Usage: "批准 TS20261127-0001 v2",
		Rule: rule(list(models.StatusMeasuresProposed), models.StatusNegotiating, WhoApprover)}, // policy 4.2.7
	{Action: ActReject, Words: list("驳回", "不同意", "不批准", "退回"), Needs: "驳回的理由", Usage: "驳回 TS20261127-0001 理由",
		Rule: rule(list(models.StatusMeasuresProposed), models.StatusAccepted, WhoApprover)},
	{Action: ActResidentAccept, Words: list("居民接受", "居民同意", "居民满意"), Usage: "居民接受 TS20261127-0001（电话协商的结果）",
		Rule: rule(list(models.StatusNegotiating), models.StatusAgreed, WhoResident, WhoDeptStaff)}, // policy 4.3.2
	{Action: ActResidentReject, Words: list("居民不接受", "居民不同意", "居民不满意"), Usage: "居民不接受 TS20261127-0001 原因",
		Rule: rule(list(models.StatusNegotiating), models.StatusAccepted, WhoResident, WhoDeptStaff)},
	{Action: ActDone, Words: list("完成", "已完成", "办结", "处理完毕"), Usage: "完成 TS20261127-0001 已更换水表，居民试用正常",
		Rule: rule(list(models.StatusAgreed), models.StatusResolved, WhoDeptStaff)}, // policy 4.3.1
	{Action: ActConfirm, Words: list("确认", "确认效果"), Usage: "确认 TS20261127-0001",
		Rule: rule(list(models.StatusResolved), models.StatusConfirmed, WhoDeptHead)}, // policy 4.3.3
	{Action: ActSuspend, Words: list("挂起", "暂停办理"), Needs: "挂起的理由", MinRunes: 4, Clock: ClockPause,
		Usage: "挂起 TS20261127-0001 等燃气公司配合开挖", Rule: rule(suspendFrom, "", WhoDeptHead)},
	{Action: ActResume, Words: list("恢复", "恢复办理", "取消挂起"), Clock: ClockResume,
		Usage: "恢复 TS20261127-0001", Rule: rule(suspendFrom, "", WhoDeptHead)},
	{Action: ActClose, Words: list("结案", "归档"), Usage: "结案 TS20261127-0001",
		Rule: rule(list(models.StatusConfirmed), models.StatusClosed, WhoHotline)}, // policy 3.1
	{Action: ActCallback, Words: list("回访", "回访结果"), Needs: "回访结果", Usage: "回访 TS20261127-0001 满意｜基本满意｜不满意 原因｜联系不上",
		Rule: rule(list(models.StatusClosed), "", WhoHotline)}, // policy 3.1
	{Action: ActMajor, Words: list("重大", "重大投诉", "设为重大"), Needs: "理由", Usage: "重大 TS20261127-0001 理由（如 媒体已曝光）",
		Rule: rule(models.OpenStatuses, "", WhoDeptStaff, WhoHotline, WhoLeader)}, // policy 4.1.3
	{Action: ActAck, Words: list("已阅", "已知悉", "知悉"), Usage: "已阅 TS20261127-0001（领导确认重大投诉）",
		Rule: rule(models.OpenStatuses, "", WhoLeader)},
	{Action: ActReport, Words: list("已上报住建", "上报住建", "已报住建"), Needs: "上报的说明", Usage: "已上报住建 TS20261127-0001 说明",
		Rule: rule(models.OpenStatuses, "", WhoLeader)},
	{Action: ActLedger, Words: list("台账", "投诉台账"), Leaders: true, Usage: "台账 2026-11", Help: "月度投诉台账（默认上月）：在群里发到领导群，单聊发给您本人"}, // policy 4.4.1
	{Action: ActStats, Words: list("统计", "统计图"), Leaders: true, Usage: "统计 2026-11", Help: "统计图（默认本月），发送同上"},
	{Action: ActMajors, Words: list("重大清单", "重大列表", "重大投诉清单"), Leaders: true, Usage: "重大清单", Help: "未办结的重大投诉"}, // policy 6.3
	{Action: ActPreventList, Words: list("预防清单", "预防列表"), Leaders: true, Usage: "预防清单", Help: "预防措施及其状态"},
	{Action: ActPrevent, Words: list("预防", "预防措施"), Leaders: true, Usage: "预防 P1 措施", Help: "分管领导提出预防措施"}, // policy 4.4.2
	{Action: ActPreventApprove, Words: list("批准预防"), Leaders: true, Usage: "批准预防 P1", Help: "总经理批准预防措施"},
	{Action: ActPreventReject, Words: list("驳回预防"), Leaders: true, Usage: "驳回预防 P1 理由", Help: "总经理驳回预防措施"},
	{Action: ActDetails, Words: list("查", "查询", "查看", "详情"), Usage: "查 TS20261127-0001", Help: "查看详情"},
	{Action: ActTodo, Words: list("待办", "我的待办", "待处理"), Usage: "待办", Help: "本部门未办结的投诉，重大和超时的在前"},
	{Action: ActHelp, Words: list("帮助", "菜单", "help", "?", "？"), Usage: "帮助", Help: "显示本说明"},
}

// builders maps each transition action to its builder.
var builders = map[string]builder{
	ActAccept: (*Service).buildAccept, ActNote: (*Service).buildNote, ActAsk: (*Service).buildAsk,
	ActTransfer: (*Service).buildTransfer, ActPropose: (*Service).buildPropose,
	ActUnfounded: (*Service).buildUnfounded, ActApprove: (*Service).buildApprove,
	ActReject: (*Service).buildReject, ActResidentAccept: (*Service).buildResidentAccept,
	ActResidentReject: (*Service).buildResidentReject, ActDone: (*Service).buildDone,
	ActConfirm: (*Service).buildConfirm, ActClose: (*Service).buildClose,
	ActMajor: (*Service).buildMajor, ActAck: (*Service).buildAck, ActReport: (*Service).buildReport,
	ActCallback: (*Service).buildCallback, ActSuspend: (*Service).buildSuspend, ActResume: (*Service).buildResume,
}

// Derived views of specs used across the package: the transition table
// (some actions lead to a status that depends on the case — a resident
// accepting an unfounded explanation goes straight to resolved; Service.next
// decides those), the command names, the help order, the parser's words.
var (
	table           = tableOf(specs)
	actionNames     = namesOf(specs)
	transitionOrder = transitionsOf(specs)
	keywords        = keywordsOf(specs)
)

// SpecOf returns the spec of action.
func SpecOf(action string) (Spec, bool) {
	i := slices.IndexFunc(specs, func(sp Spec) bool { return sp.Action == action })
	if i < 0 {
		return Spec{}, false
	}
	return specs[i], true
}

// specOf is SpecOf for an action the package declares.
func specOf(action string) Spec {
	sp, _ := SpecOf(action)
	return sp
}

// Transitions returns the specs of the lifecycle actions, in help order:
// what the console and the API offer.
func Transitions() []Spec {
	var out []Spec
	for _, sp := range specs {
		if sp.Rule != nil {
			out = append(out, sp)
		}
	}
	return out
}

func tableOf(ss []Spec) map[string]Rule {
	m := make(map[string]Rule, len(ss))
	for _, sp := range ss {
		if sp.Rule != nil {
			m[sp.Action] = *sp.Rule
		}
	}
	return m
}

func namesOf(ss []Spec) map[string]string {
	m := make(map[string]string, len(ss))
	for _, sp := range ss {
		m[sp.Action] = sp.Name()
	}
	return m
}

func transitionsOf(ss []Spec) []string {
	var out []string
	for _, sp := range ss {
		if sp.Rule != nil {
			out = append(out, sp.Action)
		}
	}
	return out
}

func keywordsOf(ss []Spec) []keyword {
	var ks []keyword
	for _, sp := range ss {
		for _, w := range sp.Words {
			ks = append(ks, keyword{w, sp.Action})
		}
	}
	return sortKeywords(ks)
}

// example is a spec's usage with the example number replaced by number.
func (sp Spec) example(number string) string {
	if number == "" {
		return sp.Usage
	}
	return strings.Replace(sp.Usage, "TS20261127-0001", number, 1)
}
