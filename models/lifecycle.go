package models

// Case statuses of the lifecycle of policy section 4, after StatusReceived
// and StatusAssigned (models/case.go). The full path is
//
//	received → assigned → accepted → measures_proposed → negotiating → agreed → resolved → confirmed → closed
//
// with three loops back to accepted: the approver rejects the measures
// (policy 4.2.7), the resident rejects them (policy 4.3.2), or the resident
// rejects an unfounded explanation (policy 4.2.6). An unfounded explanation
// goes from accepted straight to negotiating (no approval), and its
// acceptance goes straight to resolved (nothing to carry out).
//
// There is no separate "approved" status: approval puts the measures before
// the resident in the same transaction, so the case is negotiating from
// that moment; the approval itself is an Approval row and an event.
const (
	StatusAccepted         = "accepted"          // the department took it on (policy 4.2.1)
	StatusMeasuresProposed = "measures_proposed" // measures wait for approval (policy 4.2.7)
	StatusNegotiating      = "negotiating"       // approved measures or an unfounded explanation wait for the resident (4.3.1, 4.2.6)
	StatusAgreed           = "agreed"            // the resident accepted; the department carries the measures out (4.3.2)
	StatusResolved         = "resolved"          // the department reports the measures done
	StatusConfirmed        = "confirmed"         // the head confirmed the effect; hotline and resident told (4.3.3)
	StatusClosed           = "closed"            // archived by the hotline (policy 3.1)
)

// ChannelWeComApp is the outbox channel of a WeCom self-built app message to
// one person; Target = the person's WeCom user ID.
const ChannelWeComApp = "wecom_app"
