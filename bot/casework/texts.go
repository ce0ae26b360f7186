package casework

import (
	"fmt"
	"strings"
	"time"

	"tapline/bot/policy"
	"tapline/models"
)

// cst is the zone times are shown in.
var cst = time.FixedZone("CST", 8*60*60)

// Reply texts to staff.
const (
	txtUnknownStaff     = "抱歉，您不在投诉处理人员名单中，暂时不能办理投诉。如需开通，请联系公司办公室。"
	txtNotUnderstood    = "没看懂这条指令。"
	txtUnavailable      = "系统暂时无法保存，请稍后再试。您的操作没有生效。"
	txtBusy             = "这件投诉正在被多人同时处理，请稍后再试。"
	txtNoSuchCase       = "没有找到投诉 %s，请核对编号（例如 TS20261127-0001）。"
	txtNoCandidate      = "您没有可以「%s」的投诉。请带上编号，例如：%s TS20261127-0001"
	txtManyCandidates   = "您有 %d 件投诉可以「%s」，请带上编号：\n%s\n例如：%s 编号"
	txtChangedMeanwhile = "在您操作的同时，这件投诉已有变化。\n"
	txtAlreadyDone      = "已处理：投诉 %s 已由%s于 %s %s，当前状态「%s」。"
	txtClosed           = "投诉 %s 已结案，等待热线回访，不能再操作。回访不满意时会重新交回部门处理。"
	txtArchived         = "投诉 %s 已回访归档，只读，不能再操作（policy 3.1）。"
	txtWrongStatus      = "投诉 %s 当前状态是「%s」，不能「%s」。"
	txtWrongRole        = "「%s」投诉 %s 需要由%s操作。"
	txtNothingPossible  = "您现在对这件投诉没有可做的操作。"
	txtNeedText         = "「%s」需要写明内容，例如：%s"
	txtNeedReason       = "驳回需要写明理由，请回复：驳回 %s 理由"
	txtMajorNeedReason  = "设为重大投诉需要写明理由（policy 4.1.3），请回复：重大 %s 理由"
	txtNoDept           = "没有找到要转去的部门。请写：转派 编号 部门 理由。部门可以是：%s"
	txtSameDept         = "投诉 %s 已经在%s，无需转派。"
	txtNoResident       = "投诉 %s 不是居民通过公众号提交的，系统无法转达。请电话联系居民，并用「进展」记录结果。"
	txtStaleVersion     = "投诉 %s 的措施已更新为第 %d 版，您看到的第 %d 版已作废。请查看第 %d 版后再审批：查 %s"
	txtNoMeasure        = "投诉 %s 没有待审批的措施。"
)

// usage shows each text command with an example.
var usage = map[string]string{
	ActAccept:         "接单 TS20261127-0001",
	ActNote:           "进展 TS20261127-0001 已到现场查看（几分钟内发的照片会附到这条进展）",
	ActAsk:            "问 TS20261127-0001 请问哪天方便上门？（转达居民，回复会发回本群）",
	ActTransfer:       "转派 TS20261127-0001 施工队 属于管道维修",
	ActPropose:        "措施 TS20261127-0001 上门更换水表并致歉",
	ActUnfounded:      "不属实 TS20261127-0001 经核查读数正确，说明如下……",
	ActApprove:        "批准 TS20261127-0001 v2",
	ActReject:         "驳回 TS20261127-0001 理由",
	ActResidentAccept: "居民接受 TS20261127-0001（电话协商的结果）",
	ActResidentReject: "居民不接受 TS20261127-0001 原因",
	ActDone:           "完成 TS20261127-0001 已更换水表",
	ActConfirm:        "确认 TS20261127-0001",
	ActClose:          "结案 TS20261127-0001",
	ActMajor:          "重大 TS20261127-0001 理由（如 媒体已曝光）",
	ActAck:            "已阅 TS20261127-0001（领导确认重大投诉）",
	ActReport:         "已上报住建 TS20261127-0001 说明",
	ActCallback:       "回访 TS20261127-0001 满意｜基本满意｜不满意 原因｜联系不上",
}

// helpText lists the commands that fit the actor's role.
func helpText(a Actor) string {
	var b strings.Builder
	b.WriteString("可用指令（编号只有一件时可省略）：\n")
	for _, act := range transitionOrder {
		if roleCanEver(a, act) {
			b.WriteString("· " + usage[act] + "\n")
		}
	}
	if a.Role == policy.RoleLeader || a.Role == policy.RoleGM {
		b.WriteString("· 台账 2026-11：月度投诉台账（默认上月）；统计 2026-11：统计图（默认本月），发到领导群\n")
		b.WriteString("· 重大清单：未办结的重大投诉\n· 预防清单；预防 P1 措施（分管领导）；批准预防 P1 / 驳回预防 P1 理由（总经理）\n")
	}
	b.WriteString("· 查 TS20261127-0001：查看详情\n· 待办：本部门未办结的投诉\n· 帮助：显示本说明")
	return b.String()
}

// roleCanEver reports whether someone of a's role could ever take act.
func roleCanEver(a Actor, act string) bool {
	staff := a.Role == policy.RoleCrew || a.Role == policy.RoleHead
	switch act {
	case ActApprove, ActReject:
		return a.Role == policy.RoleLeader || a.Role == policy.RoleGM
	case ActConfirm:
		return a.Role == policy.RoleHead
	case ActClose, ActCallback:
		return staff && a.Dept == policy.DeptHotline
	case ActAck, ActReport:
		return a.Role == policy.RoleLeader || a.Role == policy.RoleGM
	case ActMajor:
		return true
	}
	return staff
}

// whoMay names who may take action on c.
func (s *Service) whoMay(action string, c *models.Case) string {
	dept := s.deptName(c.Department)
	switch action {
	case ActApprove, ActReject:
		if c.Major {
			return "总经理（重大投诉，policy 4.2.7）"
		}
		if l := s.policy.LeaderOf(c.Department); l != nil {
			return fmt.Sprintf("分管%s的领导%s", dept, s.staffName(l.ID))
		}
		return "分管领导（policy 4.2.7）"
	case ActConfirm:
		return dept + "负责人（policy 4.3.3）"
	case ActClose, ActCallback:
		return "供水服务热线（policy 3.1）"
	case ActResidentAccept, ActResidentReject:
		return "居民本人，或" + dept + "人员代为记录"
	case ActTransfer:
		return dept + "人员或供水服务热线"
	case ActAck, ActReport:
		return "分管领导或总经理（policy 4.1.3）"
	case ActMajor:
		return dept + "人员、供水服务热线或领导"
	}
	return dept + "人员"
}

// deptName returns a department's display name.
func (s *Service) deptName(key string) string {
	if d := s.policy.Department(key); d != nil {
		return d.Name
	}
	return key
}

// staffName returns a roster entry's name, or the ID.
func (s *Service) staffName(id string) string {
	if st := s.policy.Staff(id); st != nil {
		return st.Name
	}
	return id
}

// listCases renders up to n cases as lines "TS… 状态 摘要".
func listCases(cs []*models.Case, n int) string {
	var lines []string
	for i, c := range cs {
		if i == n {
			lines = append(lines, fmt.Sprintf("……另有 %d 件", len(cs)-n))
			break
		}
		lines = append(lines, fmt.Sprintf("· %s「%s」%s", c.Number, StatusName(c.Status), truncate(c.Details, 20)))
	}
	return strings.Join(lines, "\n")
}

func joinNames(names []string) string { return "「" + strings.Join(names, "」「") + "」" }

// truncate shortens s to n runes.
func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
