package handlers

import (
	"encoding/json"
	"time"

	"tapline/bot/auth"
	"tapline/bot/report"
	"tapline/models"
)

// The API's resource shapes: snake_case, times RFC 3339 in China Standard
// Time, enums as the strings the OpenAPI document lists, nothing internal
// (no database IDs of cases, draft keys, raw JSON strings, and the WeChat
// openid only for those who see the resident's contact details).

// zone is the offset API times are written in.
var zone = report.CST

// stamp writes t as RFC 3339 with its offset.
func stamp(t time.Time) string { return t.In(zone).Format(time.RFC3339) }

// stampPtr is stamp of an optional time.
func stampPtr(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := stamp(*t)
	return &s
}

// caseJSON is a case as the API shows it. ContactMasked tells whether the
// name and phone are masked (bot/auth decides, as for the console).
type caseJSON struct {
	Number        string           `json:"number"`
	Status        string           `json:"status"`
	Source        string           `json:"source"`
	Category      string           `json:"category"`
	Department    string           `json:"department"`
	Major         bool             `json:"major"`
	MajorReason   string           `json:"major_reason,omitempty"`
	Urgent        bool             `json:"urgent"`
	Incident      uint64           `json:"incident,omitempty"`
	ExternalRef   string           `json:"external_ref,omitempty"`
	ExternalDue   *string          `json:"external_due,omitempty"`
	Name          string           `json:"name"`
	Phone         string           `json:"phone"`
	Address       string           `json:"address"`
	Details       string           `json:"details"`
	Expectation   string           `json:"expectation"`
	WeChatOpenID  string           `json:"wechat_openid,omitempty"`
	ContactMasked bool             `json:"contact_masked"`
	Attachments   []attachmentJSON `json:"attachments"`
	Version       int              `json:"version"`
	CreatedAt     string           `json:"created_at"`
	UpdatedAt     string           `json:"updated_at"`
}

// attachmentJSON is a photo, voice note or location.
type attachmentJSON struct {
	Kind      string   `json:"kind"`
	URL       string   `json:"url,omitempty"`
	Label     string   `json:"label,omitempty"`
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// newCaseJSON shows c; full: the caller sees the contact details in full
// (c is then unmasked; otherwise bot/auth already masked it).
func newCaseJSON(c *models.Case, full bool) caseJSON {
	out := caseJSON{Number: c.Number, Status: c.Status, Source: c.Source, Category: c.Category,
		Department: c.Department, Major: c.Major, MajorReason: c.MajorReason, Urgent: c.Urgent,
		Incident: c.IncidentID, ExternalRef: c.ExternalRef, ExternalDue: stampPtr(c.ExternalDue),
		Name: c.Name, Phone: c.Phone, Address: c.Address, Details: c.Details, Expectation: c.Expectation,
		ContactMasked: !full, Attachments: attachmentsOf(c.Attachments), Version: c.Version,
		CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
	if full && c.Source == models.SourceWeChat {
		out.WeChatOpenID = c.ResidentID
	}
	return out
}

// casesJSON shows a list; full applies to every case.
func casesJSON(cases []*models.Case, full bool) []caseJSON {
	out := make([]caseJSON, len(cases))
	for i, c := range cases {
		out[i] = newCaseJSON(c, full)
	}
	return out
}

// attachmentsOf decodes the stored list (a damaged list shows none).
func attachmentsOf(raw string) []attachmentJSON {
	var as []models.Attachment
	_ = json.Unmarshal([]byte(raw), &as)
	out := make([]attachmentJSON, 0, len(as))
	for _, a := range as {
		out = append(out, newAttachmentJSON(a))
	}
	return out
}

func newAttachmentJSON(a models.Attachment) attachmentJSON {
	out := attachmentJSON{Kind: a.Kind, URL: a.URL, Label: a.Label}
	if a.Kind == "location" {
		lat, lng := a.Lat, a.Lng
		out.Latitude, out.Longitude = &lat, &lng
	}
	return out
}

// eventJSON is one timeline entry. Actor is a roster ID, "system" or
// "token:<id>"; a resident's entries name no actor unless the caller sees
// the contact details.
type eventJSON struct {
	ID         uint64          `json:"id"`
	Type       string          `json:"type"`
	Actor      string          `json:"actor,omitempty"`
	Role       string          `json:"role"`
	Channel    string          `json:"channel"`
	FromStatus string          `json:"from_status,omitempty"`
	ToStatus   string          `json:"to_status,omitempty"`
	Text       string          `json:"text"`
	Attachment *attachmentJSON `json:"attachment,omitempty"`
	At         string          `json:"at"`
}

func newEventJSON(ev *models.CaseEvent, full bool) eventJSON {
	out := eventJSON{ID: ev.ID, Type: ev.Type, Actor: ev.Actor, Role: ev.Role, Channel: ev.Channel,
		FromStatus: ev.FromStatus, ToStatus: ev.ToStatus, Text: ev.Text, At: stamp(ev.CreatedAt)}
	if out.Role == "" {
		out.Role = "system"
	}
	if ev.Role == "resident" && !full {
		out.Actor = ""
	}
	var a models.Attachment
	if ev.Type == "photo" && json.Unmarshal([]byte(ev.Text), &a) == nil {
		aj := newAttachmentJSON(a)
		out.Attachment, out.Text = &aj, ""
	}
	return out
}

// workJSON is who holds the case and where the negotiation stands.
type workJSON struct {
	Assignee        string  `json:"assignee,omitempty"`
	Round           int     `json:"round"`
	MeasureVersion  int     `json:"measure_version"`
	Unfounded       bool    `json:"unfounded"`
	PendingQuestion string  `json:"pending_question,omitempty"`
	QuestionBy      string  `json:"question_by,omitempty"`
	QuestionAt      *string `json:"question_at,omitempty"`
}

func newWorkJSON(w *models.CaseWork) workJSON {
	if w == nil {
		return workJSON{}
	}
	return workJSON{Assignee: w.Assignee, Round: w.Round, MeasureVersion: w.MeasureVersion, Unfounded: w.Unfounded,
		PendingQuestion: w.PendingQuestion, QuestionBy: w.QuestionBy, QuestionAt: stampPtr(w.QuestionAt)}
}

// measureJSON is one version of the handling measures (policy 4.2.7) or
// of an unfounded explanation (policy 4.2.6).
type measureJSON struct {
	Version   int    `json:"version"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	Proposer  string `json:"proposer"`
	CreatedAt string `json:"created_at"`
}

// approvalJSON is an approver's decision on one measure version.
type approvalJSON struct {
	MeasureVersion int    `json:"measure_version"`
	Approver       string `json:"approver"`
	Role           string `json:"role"`
	Decision       string `json:"decision"`
	Reason         string `json:"reason,omitempty"`
	CreatedAt      string `json:"created_at"`
}

// caseDetailJSON is one case with everything around it.
type caseDetailJSON struct {
	Case      caseJSON         `json:"case"`
	Events    []eventJSON      `json:"events"`
	Work      workJSON         `json:"work"`
	Measures  []measureJSON    `json:"measures"`
	Approvals []approvalJSON   `json:"approvals"`
	Photos    []attachmentJSON `json:"photos"`
}

func newCaseDetailJSON(d *auth.CaseDetail) caseDetailJSON {
	out := caseDetailJSON{Case: newCaseJSON(d.Case, d.Full), Work: newWorkJSON(d.Work),
		Events: make([]eventJSON, len(d.Events)), Measures: make([]measureJSON, len(d.Measures)),
		Approvals: make([]approvalJSON, len(d.Approvals)), Photos: make([]attachmentJSON, len(d.Photos))}
	for i, ev := range d.Events {
		out.Events[i] = newEventJSON(ev, d.Full)
	}
	for i, m := range d.Measures {
		out.Measures[i] = measureJSON{Version: m.Version, Kind: m.Kind, Text: m.Text, Proposer: m.Proposer,
			CreatedAt: stamp(m.CreatedAt)}
	}
	for i, a := range d.Approvals {
		out.Approvals[i] = approvalJSON{MeasureVersion: a.MeasureVersion, Approver: a.Approver, Role: a.Role,
			Decision: a.Decision, Reason: a.Reason, CreatedAt: stamp(a.CreatedAt)}
	}
	for i, p := range d.Photos {
		out.Photos[i] = newAttachmentJSON(p)
	}
	return out
}

// readJSON is one read of a case's personal data in full.
type readJSON struct {
	CaseNumber string `json:"case_number"`
	Reader     string `json:"reader"`
	Role       string `json:"role"`
	Channel    string `json:"channel"`
	Purpose    string `json:"purpose"`
	At         string `json:"at"`
}

func readsJSON(reads []*models.PersonalDataRead) []readJSON {
	out := make([]readJSON, len(reads))
	for i, r := range reads {
		out[i] = readJSON{CaseNumber: r.CaseNumber, Reader: r.Reader, Role: r.Role, Channel: r.Channel,
			Purpose: r.Purpose, At: stamp(r.CreatedAt)}
	}
	return out
}

// tokenJSON is an API token's record: never the token or its hash.
type tokenJSON struct {
	ID         uint64  `json:"id"`
	Name       string  `json:"name"`
	Prefix     string  `json:"prefix"`
	StaffID    string  `json:"staff_id,omitempty"`
	Role       string  `json:"role"`
	Department string  `json:"department,omitempty"`
	CreatedBy  string  `json:"created_by"`
	CreatedAt  string  `json:"created_at"`
	LastUsedAt *string `json:"last_used_at,omitempty"`
	RevokedAt  *string `json:"revoked_at,omitempty"`
	Token      string  `json:"token,omitempty"` // only in the answer that creates it
}

func newTokenJSON(t *models.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, StaffID: t.StaffID, Role: t.Role,
		Department: t.Department, CreatedBy: t.CreatedBy, CreatedAt: stamp(t.CreatedAt),
		LastUsedAt: stampPtr(t.LastUsedAt), RevokedAt: stampPtr(t.RevokedAt)}
}
