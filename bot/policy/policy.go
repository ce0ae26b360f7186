// Package policy loads and validates configs/policy.yaml: the utility's
// complaint policy as data (PRODUCT B1). Departments and their duties come
// from policy section 3, major-complaint criteria from policy 4.1.3.
package policy

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Roles of staff in the roster.
const (
	RoleCrew   = "crew"   // field crew / department staff
	RoleHead   = "head"   // department head (policy 4.3.3)
	RoleLeader = "leader" // leader in charge, 分管领导 (policy 3.9)
	RoleGM     = "gm"     // general manager, 总经理 (policy 3.10)
)

// Major-complaint criteria of policy 4.1.3.
var MajorCriteria = []string{"safety", "government", "media", "group", "compensation", "loss", "social", "legal"}

// Policy is the validated policy.
type Policy struct {
	Departments  map[string]*Department `yaml:"departments"`
	Categories   []*Category            `yaml:"categories"`
	Leaders      map[string]*Leader     `yaml:"leaders"`
	GM           string                 `yaml:"gm"`
	LeadersGroup Group                  `yaml:"leaders_group"`
	Major        map[string][]string    `yaml:"major_keywords"`
	MajorUnless  []string               `yaml:"major_unless"`
	Emergencies  []*Emergency           `yaml:"emergencies"`
	Roster       []*Staff               `yaml:"roster"`
	Deadlines    Deadlines              `yaml:"deadlines"`
	Clustering   Clustering             `yaml:"clustering"`
	Prevention   PreventionRule         `yaml:"prevention"`

	staff    map[string]*Staff
	major    map[string]lexicon   // compiled Major
	catIndex map[rune][]catPhrase // category phrases by the runes they start with
	catNum   []catPhrase          // category phrases that start with a number
}

// Department is one responsible unit of policy section 3.
type Department struct {
	Key    string `yaml:"-"`
	Name   string `yaml:"name"`
	Clause string `yaml:"clause"` // the policy clause that gives it its duties
	Group  Group  `yaml:"group"`
}

// Group is where a department's cards go on each platform. Empty fields mean
// that platform is not used for the group.
type Group struct {
	WeComRobotKey  string `yaml:"wecom_robot_key"`
	DingTalkToken  string `yaml:"dingtalk_token"`
	DingTalkSecret string `yaml:"dingtalk_secret"`
	WeComChatID    string `yaml:"wecom_chat_id,omitempty"`
	DingTalkChatID string `yaml:"dingtalk_conversation_id,omitempty"`
}

// Category is a kind of complaint and the department that owns it.
type Category struct {
	Key        string   `yaml:"key"`
	Name       string   `yaml:"name"`
	Department string   `yaml:"department"`
	Keywords   []string `yaml:"keywords"` // phrases that suggest this category in free text (see Phrase)

	phrases []Phrase
}

// Leader is a leader in charge (分管领导) and the departments under them
// (policy 3.9).
type Leader struct {
	ID          string   `yaml:"-"`
	Name        string   `yaml:"name"`
	Departments []string `yaml:"departments"`
}

// Emergency is a safety situation answered at once with guidance and filed as
// a major case without waiting for every slot (PRODUCT A4, policy 4.1.3).
type Emergency struct {
	Key      string   `yaml:"key"`
	Name     string   `yaml:"name"`
	Category string   `yaml:"category"`
	Keywords []string `yaml:"keywords"` // phrases (see Phrase)
	Guidance string   `yaml:"guidance"`

	lex lexicon
}

// Staff is a roster entry: a person, their role and department, and their
// IDs on the staff platforms.
type Staff struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	Role       string `yaml:"role"`
	Department string `yaml:"department,omitempty"`
	WeComID    string `yaml:"wecom_id,omitempty"`    // defaults to ID
	DingTalkID string `yaml:"dingtalk_id,omitempty"` // defaults to ID
}

// Load reads and validates the policy file at path.
func Load(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes and validates a policy document. Unknown keys are errors.
func Parse(b []byte) (*Policy, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}
