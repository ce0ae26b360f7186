package dialog

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// Texts are the dialog's replies, one text/template per key, loaded from
// configs/dialog.yaml (STYLE example 8).
type Texts struct {
	hotline   string
	followups map[string]Followup
	slots     map[State]string
	tmpl      map[string]*template.Template
	patterns  []pattern // for Recognise
}

// Data is what a text template may use.
type Data struct {
	Draft       Draft
	Category    string // display name of Draft.Category
	Menu        string // the numbered category menu
	Hotline     string
	Known       Contact // last time's details (returning resident)
	Slot        string  // display name of the slot a text is about
	Emergency   string  // display name of the emergency
	Guidance    string  // the emergency's guidance (policy.yaml)
	Number      string  // case number
	Cases       []CaseLine
	Attachments int
	Pending     string   // the next complaint of the same message
	Case        CaseLine // the case a message after the filing is about
	Measure     string   // the measures put to the resident on Case
}

// CaseLine is one row of a resident's case list (PRODUCT A3).
type CaseLine struct {
	Number, Category, Status, Date, Department string
}

// Text keys used besides ask_<state> and reask_<state>.
const (
	keyWelcome         = "welcome"
	keyStart           = "start"
	keyHelp            = "help"
	keyResume          = "resume"
	keyExpired         = "expired"
	keyRestarted       = "restarted"
	keyCancelled       = "cancelled"
	keyCancelledFiled  = "cancelled_filed"
	keyNoDraft         = "no_draft"
	keyDraftLost       = "draft_lost"
	keyGiveUp          = "giveup"
	keyFix             = "fix"
	keyUpdated         = "updated"
	keyHumanHotline    = "human_hotline"
	keyHumanCallback   = "human_callback"
	keyHumanPhone      = "human_phone"
	keyEmergency       = "emergency"
	keyFiled           = "filed"
	keyFiledEmergency  = "filed_emergency"
	keySupplemented    = "supplemented"
	keyFileFailed      = "file_failed"
	keyEmergencyFailed = "emergency_failed"
	keyCases           = "cases"
	keyCasesNone       = "cases_none"
	keyCase            = "case"
	keyCaseNotFound    = "case_not_found"
	keyQueryFailed     = "query_failed"
	keyUnsupported     = "unsupported"
	keyGotImage        = "got_image"
	keyGotVoice        = "got_voice"
	keyGotLocation     = "got_location"
	keyCategoryOther   = "category_other"
	keyNameWhy         = "name_why"
	keyAddressTaken    = "address_taken"
	keyUpdatedUrgent   = "updated_emergency"
	keyAlsoFiling      = "also_filing"
	keyResumeFiled     = "resume_filed"
	keyExpiredFiled    = "expired_filed"
)

// otherCategory is the policy.yaml category the hotline forwards (policy 3.1).
const otherCategory = "other"

// RequiredKeys lists every text key the dialog uses: ask_ and reask_ for
// every state, and the fixed keys.
func RequiredKeys() []string {
	keys := []string{keyWelcome, keyStart, keyHelp, keyResume, keyExpired, keyRestarted, keyCancelled,
		keyCancelledFiled, keyNoDraft, keyDraftLost, keyGiveUp, keyFix, keyUpdated, keyHumanHotline, keyHumanCallback,
		keyHumanPhone, keyEmergency, keyFiled, keyFiledEmergency, keySupplemented, keyFileFailed,
		keyEmergencyFailed, keyCases, keyCasesNone, keyCase, keyCaseNotFound, keyQueryFailed,
		keyUnsupported, keyGotImage, keyGotVoice, keyGotLocation, keyCategoryOther, keyNameWhy, keyAddressTaken,
		keyUpdatedUrgent, keyAlsoFiling, keyResumeFiled, keyExpiredFiled}
	for _, s := range States {
		keys = append(keys, askKey(s), reaskKey(s))
	}
	return append(keys, afterKeys...)
}

func askKey(s State) string   { return "ask_" + string(s) }
func reaskKey(s State) string { return "reask_" + string(s) }

type textsFile struct {
	Hotline   string                  `yaml:"hotline"`
	Slots     map[string]string       `yaml:"slots"`
	Followups map[string]followupSpec `yaml:"followups"`
	Texts     map[string]string       `yaml:"texts"`
}

// LoadTexts reads and checks configs/dialog.yaml: every required key must
// be present and every template must render.
func LoadTexts(path string) (*Texts, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dialog texts: %w", err)
	}
	t, err := ParseTexts(b)
	if err != nil {
		return nil, fmt.Errorf("dialog texts %s: %w", path, err)
	}
	return t, nil
}

// ParseTexts decodes and checks a dialog texts document.
func ParseTexts(b []byte) (*Texts, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f textsFile
	err := dec.Decode(&f)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if f.Hotline == "" {
		return nil, fmt.Errorf("hotline is empty")
	}
	t := &Texts{hotline: f.Hotline, slots: map[State]string{}, tmpl: map[string]*template.Template{}}
	for _, s := range Slots {
		if f.Slots[string(s)] == "" {
			return nil, fmt.Errorf("slots.%s is missing", s)
		}
		t.slots[s] = f.Slots[string(s)]
	}
	if err := t.compile(f.Texts); err != nil {
		return nil, err
	}
	if t.followups, err = compileFollowups(f.Followups, t.Has); err != nil {
		return nil, err
	}
	t.compilePatterns()
	return t, nil
}

// compile parses every text, renders it once with sample data and checks
// that every required key is there.
func (t *Texts) compile(texts map[string]string) error {
	for k, src := range texts {
		tp, err := template.New(k).Option("missingkey=error").Parse(src)
		if err != nil {
			return fmt.Errorf("texts.%s: %w", k, err)
		}
		if err := tp.Execute(&bytes.Buffer{}, sampleData()); err != nil {
			return fmt.Errorf("texts.%s: %w", k, err)
		}
		t.tmpl[k] = tp
	}
	var missing []string
	for _, k := range RequiredKeys() {
		if t.tmpl[k] == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("texts missing: %s", strings.Join(missing, ", "))
	}
	return nil
}

func sampleData() Data {
	return Data{Draft: Draft{Name: "张三", Phone: "13812345678", Address: "幸福路1号", Details: "水黄"},
		Cases: []CaseLine{{Number: "TS20260101-0001"}}}
}

// Render renders the text under key.
func (t *Texts) Render(key string, d Data) (string, error) {
	tp := t.tmpl[key]
	if tp == nil {
		return "", fmt.Errorf("dialog text %q missing", key)
	}
	d.Hotline = t.hotline
	var b strings.Builder
	if err := tp.Execute(&b, d); err != nil {
		return "", fmt.Errorf("dialog text %q: %w", key, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Followups returns the follow-up question rules by category.
func (t *Texts) Followups() map[string]Followup { return t.followups }

// Has reports whether a text exists under key.
func (t *Texts) Has(key string) bool { return t.tmpl[key] != nil }

// SlotName returns the display name of a slot ("地址").
func (t *Texts) SlotName(s State) string { return t.slots[s] }
