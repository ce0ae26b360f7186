// Package dialog is the resident intake dialog (PRODUCT A2–A4): free text
// first, classified and mined for what it already says, then only the
// missing slots of policy 4.1.4 and 4.2.4 are asked, each answer validated,
// corrections at any time, a read-back and a confirm before filing. Safety
// situations are filed at once (PRODUCT A4).
//
// The dialog is a state table of small pure step functions (Step): they
// take a session, an update and the time and return the next session, the
// reply texts (as keys of configs/dialog.yaml) and an action. The Engine
// does the I/O: it loads the session, runs one step, saves it with a
// version check and a TTL, and files or supplements when the step says so.
package dialog

import (
	"context"
	"time"

	"tapline/models"
)

// State is where a session stands: the slot being asked, or the read-back.
type State string

// States of a session. Every state has an ask_<state> and a reask_<state>
// text in configs/dialog.yaml.
const (
	StateDescribe    State = "describe"    // waiting for the first description
	StateCategory    State = "category"    // asking the category (numbered menu)
	StateOffer       State = "offer"       // offering last time's contact details
	StateName        State = "name"        // policy 4.1.4
	StateAddress     State = "address"     // policy 4.1.4
	StatePhone       State = "phone"       // policy 4.1.4
	StateDetails     State = "details"     // policy 4.1.4
	StateExpectation State = "expectation" // policy 4.2.4
	StateConfirm     State = "confirm"     // read-back, waiting for 确认
	StateWhich       State = "which"       // asking which item to change
	// StateFollowup asks the one question a vague complaint of its category
	// needs (followups in configs/dialog.yaml); its text is followup_<category>.
	StateFollowup State = "followup"
)

// States lists every state with an ask_ and a reask_ text, for the texts check.
var States = []State{StateDescribe, StateCategory, StateOffer, StateName, StateAddress,
	StatePhone, StateDetails, StateExpectation, StateConfirm, StateWhich}

// Slots are the items of a draft in the order they are asked.
var Slots = []State{StateCategory, StateName, StateAddress, StatePhone, StateDetails, StateExpectation}

// Limits on stored slot lengths, in runes.
const (
	MaxDetails     = 2000
	MaxExpectation = 500
	MaxAddress     = 120
	MaxName        = 20
	MaxAttachments = 20
)

// NoExpectation is stored when the resident has no particular expectation.
const NoExpectation = "无"

// NoName is stored when the resident will not give a name even after being
// told why it is asked (policy 4.1.4 wants one; the complaint goes on).
const NoName = "未提供"

// uncheckedPlace marks an address taken after two re-asks: what the
// resident could give, for the crew to confirm by phone.
const uncheckedPlace = "（位置待核实）"

// Draft is a complaint being collected.
type Draft struct {
	Key         string // idempotency key for filing; set when a draft starts (resident ID + ":" + random hex); a new draft gets a new key
	ResidentID  string // WeChat OpenID
	Category    string // policy.yaml category key
	Name        string
	Address     string
	Phone       string
	Details     string
	Expectation string
	Attachments []models.Attachment
	Emergency   string // emergency key when PRODUCT A4 fired
	Major       string // policy 4.1.3 criterion when one fired (e.g. "safety", "media")
	MajorWords  string // the resident's words that made it major
	CategoryWhy string // what decided the category: the words that fired, or the menu
	Number      string // case number once filed (emergency filing happens before all slots are known)
	FollowedUp  bool   // the category's follow-up question was asked
	Place       string `json:",omitempty"` // where the resident said it is, too vague for an address ("凤起路上")
	// Pending are further complaints of the same message (several in one),
	// filed one after the other with the same contact details.
	Pending []string `json:",omitempty"`
}

// Contact is what a returning resident used last time.
type Contact struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

// Session is one resident's dialog, stored as JSON between messages.
type Session struct {
	ResidentID string        `json:"resident_id"`
	State      State         `json:"state"`
	Draft      Draft         `json:"draft"`
	Fails      map[State]int `json:"fails,omitempty"`   // failed answers per state since its last success
	Known      *Contact      `json:"known,omitempty"`   // last time's details (returning resident)
	Offered    bool          `json:"offered,omitempty"` // Known was offered for this draft
	Human      bool          `json:"human,omitempty"`   // the resident asked for a call back
	UpdatedAt  time.Time     `json:"updated_at"`
	Version    int64         `json:"version"`
}

// Filer turns a confirmed draft into a case. Implemented by bot/intake.
type Filer interface {
	// File files d and returns the case number; idempotent on d.Key (a retry returns the same number).
	// Returns an error with code models.EUNAVAILABLE when the database is down: keep the draft, tell the resident honestly, let them confirm again later.
	File(ctx context.Context, d *Draft) (number string, err error)
	// Supplement adds the slots collected after an emergency filing to case d.Number.
	Supplement(ctx context.Context, d *Draft) error
}

// Cases reads a resident's own cases (PRODUCT A3).
type Cases interface {
	ResidentCases(ctx context.Context, residentID string, limit int) ([]*models.Case, error)
	CaseByNumber(ctx context.Context, number string) (*models.Case, error) // models.ENOTFOUND if absent
}

// Store keeps sessions. Save must fail with a models.ECONFLICT error when
// the stored version differs from s.Version (optimistic locking), and bump
// s.Version on success; TTL applies per save. Load returns (nil, nil) when
// there is none.
type Store interface {
	Load(ctx context.Context, residentID string) (*Session, error)
	Save(ctx context.Context, s *Session, ttl time.Duration) error
	Delete(ctx context.Context, residentID string) error
}

// clone returns a deep copy of s, so steps never change their input.
func (s *Session) clone() *Session {
	c := *s
	c.Draft.Attachments = append([]models.Attachment(nil), s.Draft.Attachments...)
	c.Draft.Pending = append([]string(nil), s.Draft.Pending...)
	c.Fails = make(map[State]int, len(s.Fails))
	for k, v := range s.Fails {
		c.Fails[k] = v
	}
	if s.Known != nil {
		k := *s.Known
		c.Known = &k
	}
	return &c
}

// value returns the draft's value for a slot state.
func (d *Draft) value(slot State) string {
	switch slot {
	case StateCategory:
		return d.Category
	case StateName:
		return d.Name
	case StateAddress:
		return d.Address
	case StatePhone:
		return d.Phone
	case StateDetails:
		return d.Details
	case StateExpectation:
		return d.Expectation
	}
	return ""
}

// set stores v in a slot, capped at the slot's limit.
func (d *Draft) set(slot State, v string) {
	switch slot {
	case StateCategory:
		d.Category = v
	case StateName:
		d.Name = models.CutRunes(v, MaxName)
	case StateAddress:
		d.Address = models.CutRunes(v, MaxAddress)
	case StatePhone:
		d.Phone = v
	case StateDetails:
		d.Details = models.CutRunes(v, MaxDetails)
	case StateExpectation:
		d.Expectation = models.CutRunes(v, MaxExpectation)
	}
}

// emergencySlots are asked in this order once an emergency is filed: where
// and how to reach the resident first, so the crew can act (PRODUCT A4).
var emergencySlots = []State{StateAddress, StatePhone, StateName, StateDetails, StateExpectation, StateCategory}

// missing returns the next slot without a value, or "" when complete.
func (d *Draft) missing() State {
	order := Slots
	if d.Emergency != "" {
		order = emergencySlots
	}
	for _, s := range order {
		if d.value(s) == "" {
			return s
		}
	}
	return ""
}

// attach adds an attachment, keeping at most MaxAttachments.
func (d *Draft) attach(a models.Attachment) {
	if len(d.Attachments) < MaxAttachments {
		d.Attachments = append(d.Attachments, a)
	}
}
