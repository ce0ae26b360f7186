package casework

import (
	"slices"

	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// Actions: what a staff command, a card button or a resident reply asks for.
// The transition actions are also the CaseEvent types they write.
const (
	ActAccept         = "accept"          // 接单 (policy 4.2.1)
	ActNote           = "note"            // 进展 (policy 4.2.1–4.2.3)
	ActAsk            = "ask"             // 问 (policy 4.2.2)
	ActTransfer       = "transfer"        // 转派 (policy 4.1.2)
	ActPropose        = "propose"         // 措施 (policy 4.2.5, 4.2.7)
	ActUnfounded      = "unfounded"       // 不属实 (policy 4.2.6)
	ActApprove        = "approve"         // 批准 (policy 4.2.7)
	ActReject         = "reject"          // 驳回 (policy 4.2.7)
	ActResidentAccept = "resident_accept" // 接受 (policy 4.3.2)
	ActResidentReject = "resident_reject" // 不接受 (policy 4.3.2)
	ActDone           = "done"            // 完成 (policy 4.3.1)
	ActConfirm        = "confirm"         // 确认 (policy 4.3.3)
	ActClose          = "close"           // 结案 (policy 3.1)
	ActDetails        = "details"         // 查
	ActTodo           = "todo"            // 待办
	ActHelp           = "help"            // 帮助
	ActMajor          = "major"           // 重大 (policy 4.1.3)
	ActAck            = remind.ActAck     // 已阅 (policy 4.1.3: reported to leadership)
	ActReport         = "report"          // 已上报住建 (policy 4.1.3)
	ActMajors         = "majors"          // 重大清单: open major cases for the GM's review (policy 6.3)
	ActCallback       = "callback"        // 回访 (policy 3.1, PRODUCT E1)
	ActPrevent        = "prevent"         // 预防 P12 措施 (policy 4.4.2)
	ActPreventApprove = "prevent_approve" // 批准预防 P12 (policy 4.4.2)
	ActPreventReject  = "prevent_reject"  // 驳回预防 P12 理由 (policy 4.4.2)
	ActPreventList    = "prevent_list"    // 预防清单
	ActLedger         = "ledger"          // 台账 [月份] (policy 4.4.1)
	ActStats          = "stats"           // 统计 [月份] (policy 4.4.1)
)

// Event types written besides the actions.
const (
	EventPhoto          = "photo"           // a photo attached to a progress note
	EventResidentAnswer = "resident_answer" // the resident answered a question
)

// Who: the relation of an actor to a case, checked per action.
const (
	WhoDeptStaff = "dept_staff" // crew or head of the case's department
	WhoDeptHead  = "dept_head"  // head of the case's department (policy 4.3.3)
	WhoApprover  = "approver"   // leader in charge (ordinary) or GM (major), policy 4.2.7
	WhoResident  = "resident"   // the resident who filed it (policy 4.3.2)
	WhoHotline   = "hotline"    // hotline staff (policy 3.1)
	WhoLeader    = "leader"     // a leader in charge or the GM (policy 3.9, 3.10)
)

// Rule is one row of the transition table: from which statuses an action
// may be taken, by whom, and where it leads. An empty To keeps the status.
type Rule struct {
	From []string
	To   string
	Who  []string
}

// noteFrom are the statuses in which notes and questions are taken.
var noteFrom = []string{models.StatusAccepted, models.StatusMeasuresProposed,
	models.StatusNegotiating, models.StatusAgreed, models.StatusResolved}

// StatusName returns the Chinese name staff read for a status (the one
// table, models.Statuses).
func StatusName(status string) string { return models.StaffStatusName(status) }

// Actor is who acts: a roster entry, or the resident.
type Actor struct {
	ID       string
	Name     string
	Role     string // policy.RoleCrew … or "resident"
	Dept     string
	Platform string
}

// leads reports whether a is a leader in charge or the GM (policy 3.9, 3.10).
func (a Actor) leads() bool { return a.Role == policy.RoleLeader || a.Role == policy.RoleGM }

// roleResident is the event role of a resident.
const roleResident = "resident"

// relations returns what a is to case c (WhoDeptStaff …).
func relations(p *policy.Policy, a Actor, c *models.Case) []string {
	var who []string
	if a.Role == roleResident {
		if c.ResidentID != "" && a.ID == c.ResidentID {
			who = append(who, WhoResident)
		}
		return who
	}
	if a.Dept == c.Department && (a.Role == policy.RoleCrew || a.Role == policy.RoleHead) {
		who = append(who, WhoDeptStaff)
		if a.Role == policy.RoleHead {
			who = append(who, WhoDeptHead)
		}
	}
	if a.Dept == policy.DeptHotline {
		who = append(who, WhoHotline)
	}
	if isApprover(p, a, c) {
		who = append(who, WhoApprover)
	}
	if a.leads() {
		who = append(who, WhoLeader)
	}
	return who
}

// isApprover applies policy 4.2.7: the GM approves major cases, the leader
// in charge of the department (policy 3.9) ordinary ones.
func isApprover(p *policy.Policy, a Actor, c *models.Case) bool {
	if c.Major {
		return a.Role == policy.RoleGM && a.ID == p.GM
	}
	l := p.LeaderOf(c.Department)
	return a.Role == policy.RoleLeader && l != nil && l.ID == a.ID
}

// allowed reports whether action is allowed on c by a, and why not.
func allowed(p *policy.Policy, action string, a Actor, c *models.Case) (ok, rightStatus, rightRole bool) {
	r, found := table[action]
	if !found {
		return false, false, false
	}
	rightStatus = slices.Contains(r.From, c.Status) && majorFits(action, c)
	rel := relations(p, a, c)
	rightRole = slices.ContainsFunc(r.Who, func(w string) bool { return slices.Contains(rel, w) })
	return rightStatus && rightRole, rightStatus, rightRole
}

// possible lists the actions a may take on c now.
func possible(p *policy.Policy, a Actor, c *models.Case) []string {
	var out []string
	for _, act := range transitionOrder {
		if ok, _, _ := allowed(p, act, a, c); ok {
			out = append(out, act)
		}
	}
	return out
}

// RuleFor returns the transition rule of action; ok is false for queries
// and unknown actions.
func RuleFor(action string) (r Rule, ok bool) {
	r, ok = table[action]
	r.From, r.Who = slices.Clone(r.From), slices.Clone(r.Who)
	return r, ok
}
