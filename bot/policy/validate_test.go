package policy

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// meters is a ninth department, one the code has never heard of.
const meters = "  meters:\n    name: 水表检定室\n    clause: \"3.3\"\n" +
	"    group: {wecom_robot_key: \"\", dingtalk_token: \"\", dingtalk_secret: \"\"}\n"

// financeDept is the finance department's block in configs/policy.yaml.
const financeDept = "  finance:\n    name: 财务部门\n    clause: \"3.7\"\n" +
	"    group: {wecom_robot_key: \"\", dingtalk_token: \"\", dingtalk_secret: \"\"}\n"

// TestValidationFollowsTheData feeds variants of the shipped policy: what
// is checked is the departments the file defines (policy 3.9: each has one
// leader in charge), not a list in the code; only the departments the code
// routes to by key (hotline, office) must exist.
func TestValidationFollowsTheData(t *testing.T) {
	base, err := os.ReadFile("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edits []string // from, to, from, to …
		want  string   // "" = accepted
	}{
		{"shipped file", nil, ""},
		{"ninth department without a leader", []string{"  quality:\n", meters + "  quality:\n"},
			"departments.meters: no leader in charge covers it"},
		{"ninth department with a leader", []string{"  quality:\n", meters + "  quality:\n",
			"[construction, supply, quality]", "[construction, supply, quality, meters]"}, ""},
		{"a department the code does not need removed", []string{financeDept, "",
			"department: finance        # policy 3.7", "department: business",
			"  - {id: finance.crew, name: 财务部门组员, role: crew, department: finance}\n", "",
			"  - {id: finance.head, name: 财务部门负责人, role: head, department: finance}\n", "",
			"[hotline, office, business, finance, general]", "[hotline, office, business, general]"}, ""},
		{"hotline missing", []string{"  hotline:\n    name: 供水服务热线", "  callcentre:\n    name: 供水服务热线"},
			"departments.hotline: missing"},
		{"office missing", []string{"  office:\n    name: 公司办公室", "  secretariat:\n    name: 公司办公室"},
			"departments.office: missing"},
		{"category owner unknown", []string{"department: finance        # policy 3.7", "department: accounts"},
			`categories[9] (finance).department: unknown department "accounts"`},
		{"category without owner", []string{"department: finance        # policy 3.7", `department: ""`},
			"categories[9] (finance).department: required"},
		{"roster entry of an unknown department", []string{"role: crew, department: finance}", "role: crew, department: accounts}"},
			`roster[12] (finance.crew).department: unknown department "accounts"`},
		{"roster crew without department", []string{"role: crew, department: finance}", "role: crew}"},
			"roster[12] (finance.crew).department: required for role crew"},
		{"roster leader of an unknown department", []string{"role: leader}", "role: leader, department: accounts}"},
			`roster[16] (leader.a).department: unknown department "accounts"`},
		{"roster role unknown", []string{"role: crew, department: finance}", "role: clerk, department: finance}"},
			`roster[12] (finance.crew).role: "clerk" is not one of crew, head, leader, gm`},
		{"leader not in the roster", []string{"  leader.b:\n", "  leader.c:\n"},
			"leaders.leader.c: not in the roster with role leader"},
		{"leader in the roster as crew", []string{"{id: leader.b, name: 分管领导乙, role: leader}", "{id: leader.b, name: 分管领导乙, role: crew, department: supply}"},
			"leaders.leader.b: not in the roster with role leader"},
		{"leader of an unknown department", []string{"[construction, supply, quality]", "[construction, supply, quality, meters]"},
			`leaders.leader.b.departments[3]: unknown department "meters"`},
		{"two leaders for one department", []string{"[hotline, office, business, finance, general]", "[hotline, office, business, finance, general, quality]"},
			`leaders.leader.b.departments[2]: "quality" is already covered by leader.a`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(edit(t, string(base), tt.edits...))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// edit applies from → to replacements (each once) to doc; a from that is
// not there fails the test rather than testing the shipped file again.
func edit(t *testing.T, doc string, pairs ...string) []byte {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(doc, pairs[i]) {
			t.Fatalf("replacement %q not found", pairs[i])
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return []byte(doc)
}

// TestDepartmentKeys: the keys are the file's, sorted, and include the
// ones the code needs.
func TestDepartmentKeys(t *testing.T) {
	base, err := os.ReadFile("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(edit(t, string(base), "  quality:\n", meters+"  quality:\n",
		"[construction, supply, quality]", "[construction, supply, quality, meters]"))
	if err != nil {
		t.Fatal(err)
	}
	keys := p.DepartmentKeys()
	if len(keys) != 9 || !slices.IsSorted(keys) || !slices.Contains(keys, "meters") {
		t.Fatalf("keys = %v", keys)
	}
	for _, k := range CodeDepartments {
		if !slices.Contains(keys, k) {
			t.Errorf("%s missing from %v", k, keys)
		}
	}
}
