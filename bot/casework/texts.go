package casework

import (
	"fmt"
	"strings"

	"tapline/models"
)

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
	txtArchived         = "投诉 %s 已回访归档，只读，不能再操作。"
	txtWrongStatus      = "投诉 %s 当前状态是「%s」，不能「%s」。"
	txtWrongRole        = "「%s」投诉 %s 需要由%s操作。"
	txtNothingPossible  = "您现在对这件投诉没有可做的操作。"
	txtNeedText         = "「%s」需要写明%s，例如：%s"
	txtNoDept           = "没有找到要转去的部门。请写：转派 编号 部门 理由。部门可以是：%s"
	txtSameDept         = "投诉 %s 已经在%s，无需转派。"
	txtNoResident       = "投诉 %s 不是居民通过公众号提交的，系统无法转达。请电话联系居民，并用「进展」记录结果。"
	txtStaleVersion     = "投诉 %s 的措施已更新为第 %d 版，您看到的第 %d 版已作废。请查看第 %d 版后再审批：查 %s"
	txtNoMeasure        = "投诉 %s 没有待审批的措施。"
	txtSuspended        = "投诉 %s 已挂起（%s），期限暂停计时，不能「%s」。请负责人先「%s」。"
)

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
		lines = append(lines, fmt.Sprintf("· %s「%s」%s", c.Number, StatusName(c.Status), models.Ellipsis(c.Details, 20)))
	}
	return strings.Join(lines, "\n")
}

func joinNames(names []string) string { return "「" + strings.Join(names, "」「") + "」" }
