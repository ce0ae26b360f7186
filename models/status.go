package models

// StatusInfo is how one case status reads: to staff (chat, cards, the
// console, the ledger) and to the resident (我的投诉, the single-case
// answer, the conversation about an open case).
type StatusInfo struct {
	Status   string
	Staff    string
	Resident string
	Open     bool // the case still needs work
}

// Statuses declares every case status once, in the order of the lifecycle
// of policy section 4; every surface that names a status reads it here.
var Statuses = []StatusInfo{
	{StatusReceived, "已登记", "已登记", true},
	{StatusAssigned, "待接单", "已转交责任部门处理", true},
	{StatusAccepted, "处理中", "处理中", true},
	{StatusMeasuresProposed, "措施待审批", "处理方案审核中", true},
	{StatusNegotiating, "待居民确认", "处理方案待您确认", true},
	{StatusAgreed, "措施执行中", "正在按商定的方案处理", true},
	{StatusResolved, "已完成待确认", "已处理，正在确认处理效果", true},
	{StatusConfirmed, "已确认效果", "已处理完毕", true},
	{StatusClosed, "已结案待回访", "已办结，待回访", false},
	{StatusArchived, "已归档", "已办结", false},
}

// unknownStatus names a status missing from Statuses (a newer replica's,
// say): never the raw value.
const unknownStatus = "状态更新中"

// OpenStatuses are the statuses in which a case still needs work.
var OpenStatuses = openStatuses()

func openStatuses() []string {
	var out []string
	for _, s := range Statuses {
		if s.Open {
			out = append(out, s.Status)
		}
	}
	return out
}

// StatusOf returns the entry of a status; ok is false when it has none.
func StatusOf(status string) (StatusInfo, bool) {
	for _, s := range Statuses {
		if s.Status == status {
			return s, true
		}
	}
	return StatusInfo{}, false
}

// StaffStatusName returns the name staff read for a status.
func StaffStatusName(status string) string {
	if s, ok := StatusOf(status); ok {
		return s.Staff
	}
	return unknownStatus
}

// ResidentStatusName returns the name a resident reads for a status.
func ResidentStatusName(status string) string {
	if s, ok := StatusOf(status); ok {
		return s.Resident
	}
	return unknownStatus
}
