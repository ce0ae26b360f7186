package console

import (
	"time"

	"tapline/bot/casework"
	"tapline/models"
)

// roleResident is the event role of the resident (casework's).
const roleResident = "resident"

// message is one of the resident's own messages on the case page.
type message struct {
	At   time.Time
	Kind string // what it was: 登记, 居民回复, 居民补充, …
	Text string
}

// conversation returns the resident's own messages about c in time order
// (the timeline's order): the complaint as filed, answers, questions,
// inquiries, remarks and supplements. Like the timeline it names no
// OpenID; the case's contact fields are masked on the record above for
// the roles that need not see them.
func conversation(c *models.Case, events []*models.CaseEvent) []message {
	var out []message
	for _, ev := range events {
		if ev.Role != roleResident {
			continue
		}
		m := message{At: ev.CreatedAt, Kind: casework.EventName(ev.Type), Text: ev.Text}
		switch ev.Type {
		case "created": // the event says how it came in; the resident's words are the complaint
			m.Kind, m.Text = "投诉", c.Details
		case casework.EventPhoto:
			m.Text = "（发来一张照片，见现场照片）"
		}
		out = append(out, m)
	}
	return out
}
