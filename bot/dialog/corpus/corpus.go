// Package corpus replays conversations written the way residents type on
// a phone against the resident desk (the intake dialog and the
// conversation about an open case) and scores what was filed: the
// measured half of "residents are understood and never misquoted"
// (policy 4.1.1, 4.1.4). A conversation is sent in order (Says), then the
// resident answers whatever the desk asks, recognised by the text key of
// the question (dialog.Texts.Recognise), from Answers; what follows the
// filing (After) mixes the resident's messages with staff commands.
//
// The package knows no transport: the same conversations run through the
// engine in process (cmd/simulate corpus and its test) and through the
// signed WeChat webhook (cmd/server's tests).
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Conversation is one resident's conversation and what it must produce.
type Conversation struct {
	ID   string   `yaml:"id"`
	Note string   `yaml:"note,omitempty"`
	Tags []string `yaml:"tags,omitempty"` // "webhook": also played through the signed webhook; "heldout": written after the fixes
	// Known are the details on file from an earlier complaint.
	Known *Contact `yaml:"known,omitempty"`
	// Says are sent in order, whatever the desk asks.
	Says []Turn `yaml:"says"`
	// Answers answer the desk's questions, by slot (name, address, phone,
	// details, expectation, followup, category, offer, confirm, fix, which):
	// the first answer the first time the slot is asked, the next one the
	// next time. A question with no answer left is a slot asked twice.
	Answers map[string]Answer `yaml:"answers,omitempty"`
	// Expect is the case the conversation must file; none when absent.
	Expect *Expect `yaml:"expect,omitempty"`
	// Also are further cases the intake must file (several complaints in
	// one message), in order.
	Also []*Expect `yaml:"also,omitempty"`
	// After is what follows the filing.
	After []Step `yaml:"after,omitempty"`

	file string
}

// Contact is what a returning resident left last time.
type Contact struct {
	Name    string `yaml:"name"`
	Phone   string `yaml:"phone"`
	Address string `yaml:"address"`
}

// Turn is one message of the resident: a text, or a photo, voice note
// (with WeChat's recognition result as Text) or location; Wait lets the
// clock run first.
type Turn struct {
	Text     string  `yaml:"text,omitempty"`
	Image    bool    `yaml:"image,omitempty"`
	Voice    bool    `yaml:"voice,omitempty"`
	Location string  `yaml:"location,omitempty"` // the location's label
	Lat      float64 `yaml:"lat,omitempty"`
	Lng      float64 `yaml:"lng,omitempty"`
	Wait     string  `yaml:"wait,omitempty"` // a duration ("25h") before the message
}

// UnmarshalYAML reads a plain string as a text message.
func (t *Turn) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Text = n.Value
		return nil
	}
	type plain Turn
	return n.Decode((*plain)(t))
}

// Kind is how the message travels: text, image, voice or location.
func (t Turn) Kind() string {
	switch {
	case t.Image:
		return "image"
	case t.Voice:
		return "voice"
	case t.Location != "":
		return "location"
	}
	return "text"
}

// Show renders the message for a transcript.
func (t Turn) Show() string {
	switch t.Kind() {
	case "image":
		return "[照片]"
	case "voice":
		return "[语音] " + t.Text
	case "location":
		return "[位置] " + t.Location
	}
	return t.Text
}

// Answer is one or more answers to a slot's question.
type Answer []string

// UnmarshalYAML reads a plain string as a single answer.
func (a *Answer) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*a = Answer{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*a = list
	return nil
}

// Expect is a case as it must be filed. Empty fields are not checked,
// except Major (empty: not major) and Urgent.
type Expect struct {
	Category    string   `yaml:"category"`
	Department  string   `yaml:"department"`
	Name        string   `yaml:"name"`        // as stored: "李女士", or 未提供 when refused
	Phone       string   `yaml:"phone"`       // canonical: 13812345678, 0571-88886666, 0571-88886666-123
	Address     string   `yaml:"address"`     // exactly as it must be stored
	Details     []string `yaml:"details"`     // words the details must contain
	Expectation string   `yaml:"expectation"` // verbatim
	Major       string   `yaml:"major"`       // the policy 4.1.3 criterion; empty: not major
	Urgent      bool     `yaml:"urgent"`
	Emergency   bool     `yaml:"emergency"` // guidance due in the first reply
	Turns       int      `yaml:"turns"`     // bot turns allowed before the filing
}

// Step is one thing after the filing: a resident's message (with what it
// must do), a staff command, or time passing.
type Step struct {
	Resident *Turn      `yaml:"resident,omitempty"`
	Staff    *StaffSays `yaml:"staff,omitempty"`
	Wait     string     `yaml:"wait,omitempty"`
	Expect   StepExpect `yaml:"expect,omitempty"`
}

// StaffSays is a staff command; "{case}" stands for the conversation's
// case number.
type StaffSays struct {
	As  string `yaml:"as"` // roster ID
	Say string `yaml:"say"`
}

// StepExpect is what a resident's message after the filing must do.
type StepExpect struct {
	// NewCase: the message starts a new complaint (then Files is the case
	// it must file, answered from the conversation's Answers). Otherwise it
	// must stay in the conversation about the open case.
	NewCase bool     `yaml:"new_case,omitempty"`
	Files   *Expect  `yaml:"files,omitempty"`
	Status  string   `yaml:"status,omitempty"` // the case's status afterwards
	Event   string   `yaml:"event,omitempty"`  // an event of this type is added to the case
	Reply   []string `yaml:"reply,omitempty"`  // text keys the reply must hold
	Rating  int      `yaml:"rating,omitempty"` // the case's rating afterwards
}

// Load reads every *.yaml file under dir, in name order. Conversation IDs
// must be unique.
func Load(dir string) ([]*Conversation, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	slices.Sort(files)
	var all []*Conversation
	seen := map[string]string{}
	for _, f := range files {
		cs, err := loadFile(f)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if prev, dup := seen[c.ID]; dup {
				return nil, fmt.Errorf("corpus %s: id %q already used in %s", f, c.ID, prev)
			}
			seen[c.ID] = f
		}
		all = append(all, cs...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("corpus: no conversations under %s", dir)
	}
	return all, nil
}

func loadFile(path string) ([]*Conversation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var cs []*Conversation
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("corpus %s: %w", path, err)
	}
	for i, c := range cs {
		if c == nil || c.ID == "" || len(c.Says) == 0 {
			return nil, fmt.Errorf("corpus %s: conversation %d needs an id and says", path, i)
		}
		if c.Expect != nil && c.Expect.Turns <= 0 {
			return nil, fmt.Errorf("corpus %s: %s: expect.turns (the bot turns allowed) is required", path, c.ID)
		}
		c.file = filepath.Base(path)
	}
	return cs, nil
}

// Has reports whether the conversation carries tag.
func (c *Conversation) Has(tag string) bool { return slices.Contains(c.Tags, tag) }

// File is the corpus file the conversation came from.
func (c *Conversation) File() string { return c.file }
