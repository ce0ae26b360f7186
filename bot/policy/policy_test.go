package policy

import (
	"os"
	"strings"
	"testing"
	"time"
)

// MustLoad loads the repository's configs/policy.yaml.
func MustLoad(tb testing.TB) *Policy {
	tb.Helper()
	p, err := Load("../../configs/policy.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestShippedPolicyLoads(t *testing.T) {
	p := MustLoad(t)
	if keys := p.DepartmentKeys(); len(keys) != 8 {
		t.Errorf("departments = %v, want the eight units of policy 3.1–3.8", keys)
	}
	for _, k := range p.DepartmentKeys() {
		if p.Department(k) == nil {
			t.Errorf("department %s missing", k)
		}
		for _, role := range []string{"crew", "head"} {
			if s := p.Staff(k + "." + role); s == nil || s.Role != role || s.Department != k {
				t.Errorf("roster %s.%s wrong: %+v", k, role, s)
			}
		}
	}
	if p.Category("water_quality").Department != "quality" {
		t.Error("water quality must go to the lab (policy 3.8)")
	}
	if p.LeaderOf("quality").ID != "leader.b" || p.Staff("gm").Role != RoleGM {
		t.Error("leaders wrong")
	}
	if span, wall := p.Allowed("accept", "pipe_leak", false); span.Duration != time.Hour || wall {
		t.Errorf("pipe leak accept = %v wall=%v, want 1h business (category override)", span, wall)
	}
	if span, wall := p.Allowed("feedback", "billing", true); !span.SameDay || !wall {
		t.Errorf("major feedback = %v wall=%v", span, wall)
	}
	if c, _ := p.MajorCriterion("我要找记者曝光"); c != "media" {
		t.Errorf("criterion = %q", c)
	}
	if e := p.Emergency("楼下水管爆了到处是水"); e == nil || e.Key != "burst_main" {
		t.Errorf("emergency = %+v", e)
	}
	if s := p.StaffByPlatformID("dingtalk", "supply.head"); s == nil || s.Role != RoleHead {
		t.Errorf("by platform id: %+v", s)
	}
}

func TestInvalidPolicies(t *testing.T) {
	base, err := os.ReadFile("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, from, to, want string }{
		{"unknown key", "gm: gm", "gm: gm\nbogus: 1", "field bogus not found"},
		{"category to unknown dept", "department: quality        # policy 3.8", "department: lab", `unknown department "lab"`},
		{"gm not in roster", "gm: gm", "gm: nobody", `gm: "nobody" is not in the roster`},
		{"bad role", "role: leader}", "role: boss}", `is not one of crew, head, leader, gm`},
		{"uncovered dept", "[construction, supply, quality]", "[construction, supply]", "departments.quality: no leader in charge covers it"},
		{"bad criterion", "  legal:", "  illegal:", "major_keywords.illegal: not a policy 4.1.3 criterion"},
		// found by FuzzParse: an empty list or map entry used to panic
		{"null category", "categories:\n", "categories:\n  - null\n", "categories[0]: empty entry"},
		{"null leader", "leaders:\n", "leaders:\n  leader.z: null\n", "leaders.leader.z: empty entry"},
		{"null emergency", "emergencies:\n", "emergencies:\n  - null\n", "emergencies[0]: empty entry"},
		{"null roster entry", "roster:\n", "roster:\n  - null\n", "roster[0]: empty entry"},
		{"unknown stage", "    accept:    {ordinary: 2h", "    acept:    {ordinary: 2h", "deadlines.stages.acept: unknown stage"},
		{"missing stage", "    callback:  {ordinary: 1d, major: 1d}         # policy 3.1\n", "", "deadlines.stages.callback: missing"},
		{"bad span", "resolve:   {ordinary: 3d", "resolve:   {ordinary: 3x", `"3x" is not a duration`},
		{"no major span", "approve:   {ordinary: 4h, major: 2h}", "approve:   {ordinary: 4h}", "deadlines.stages.approve.major: required"},
		{"fractions out of order", "remind_at: [0.5, 0.8]", "remind_at: [0.8, 0.5]", "ascending"},
		{"category stage unknown", "pipe_leak: {accept: 1h", "pipe_leak: {acept: 1h", "deadlines.categories.pipe_leak.acept: unknown stage"},
		{"category unknown", "    water_quality: {accept: 1h", "    dirty: {accept: 1h", "deadlines.categories.dirty: unknown category"},
		{"cluster of one", "households: 3", "households: 1", "clustering: households"},
		{"half dingtalk", `leaders_group: {wecom_robot_key: "", dingtalk_token: ""`, `leaders_group: {wecom_robot_key: "", dingtalk_token: "x"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(string(base), tt.from, tt.to, 1)
			if doc == string(base) {
				t.Fatalf("replacement %q not found", tt.from)
			}
			_, err := Parse([]byte(doc))
			if tt.want == "" {
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
