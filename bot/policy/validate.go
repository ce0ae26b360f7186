package policy

import (
	"fmt"
	"maps"
	"slices"
)

// Departments Tapline's code addresses by key: every policy file must
// define them. The other departments of a policy file are data only.
const (
	DeptHotline = "hotline" // takes calls, visits and letters, tracks every case, calls back (policy 3.1)
	DeptOffice  = "office"  // takes government referrals and media reports (policy 3.2)
)

// CodeDepartments are the departments the code needs by key (DeptHotline,
// DeptOffice); whatever else a policy file lists is validated as data.
var CodeDepartments = []string{DeptHotline, DeptOffice}

func (p *Policy) validate() error {
	steps := []func() error{p.validateDepartments, p.validateCategories, p.validateLeaders,
		p.validateMajor, p.validateEmergencies, p.validateRoster, p.validateDeadlines, p.compileLexicons}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Policy) validateDepartments() error {
	for _, k := range CodeDepartments {
		if p.Departments[k] == nil {
			return fmt.Errorf("departments.%s: missing (Tapline routes to it by key; policy section 3)", k)
		}
	}
	for _, k := range p.DepartmentKeys() {
		d := p.Departments[k]
		if d == nil || d.Name == "" {
			return fmt.Errorf("departments.%s.name: required", k)
		}
		d.Key = k
		if (d.Group.DingTalkToken == "") != (d.Group.DingTalkSecret == "") {
			return fmt.Errorf("departments.%s.group: dingtalk_token and dingtalk_secret go together", k)
		}
	}
	return nil
}

// validateCategories checks that every category has a key, a name and an
// owner department of the file (policy section 3 gives each kind of
// complaint to one unit).
func (p *Policy) validateCategories() error {
	if len(p.Categories) == 0 {
		return fmt.Errorf("categories: at least one is required")
	}
	seen := map[string]bool{}
	for i, c := range p.Categories {
		switch {
		case c == nil: // "- null" or "- " in YAML
			return fmt.Errorf("categories[%d]: empty entry", i)
		case c.Key == "" || c.Name == "":
			return fmt.Errorf("categories[%d]: key and name are required", i)
		case seen[c.Key]:
			return fmt.Errorf("categories[%d].key: %q appears twice", i, c.Key)
		case c.Department == "":
			return fmt.Errorf("categories[%d] (%s).department: required, the department that owns it (policy section 3)", i, c.Key)
		case p.Departments[c.Department] == nil:
			return fmt.Errorf("categories[%d] (%s).department: unknown department %q", i, c.Key, c.Department)
		}
		seen[c.Key] = true
	}
	if p.Category("other") == nil {
		return fmt.Errorf("categories: an \"other\" category is required for complaints that fit nowhere")
	}
	return nil
}

// validateLeaders checks policy 3.9 against the departments of the file:
// every department has exactly one leader in charge, and leaders cover
// only departments that exist. The GM is required by policy 3.10.
func (p *Policy) validateLeaders() error {
	if len(p.Leaders) == 0 {
		return fmt.Errorf("leaders: at least one leader in charge is required (policy 3.9)")
	}
	covered := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(p.Leaders)) {
		l := p.Leaders[id]
		if l == nil {
			return fmt.Errorf("leaders.%s: empty entry", id)
		}
		l.ID = id
		for i, d := range l.Departments {
			key := fmt.Sprintf("leaders.%s.departments[%d]", id, i)
			if p.Departments[d] == nil {
				return fmt.Errorf("%s: unknown department %q", key, d)
			}
			if other, ok := covered[d]; ok {
				return fmt.Errorf("%s: %q is already covered by %s (policy 3.9: one leader in charge each)", key, d, other)
			}
			covered[d] = id
		}
	}
	for _, k := range p.DepartmentKeys() {
		if covered[k] == "" {
			return fmt.Errorf("departments.%s: no leader in charge covers it; list it under one leader's departments in leaders (policy 3.9)", k)
		}
	}
	if p.GM == "" {
		return fmt.Errorf("gm: required (policy 3.10)")
	}
	return nil
}

func (p *Policy) validateMajor() error {
	for k := range p.Major {
		if !slices.Contains(MajorCriteria, k) {
			return fmt.Errorf("major_keywords.%s: not a policy 4.1.3 criterion (one of %v)", k, MajorCriteria)
		}
	}
	return nil
}

func (p *Policy) validateEmergencies() error {
	for i, e := range p.Emergencies {
		switch {
		case e == nil:
			return fmt.Errorf("emergencies[%d]: empty entry", i)
		case e.Key == "" || len(e.Keywords) == 0 || e.Guidance == "":
			return fmt.Errorf("emergencies[%d]: key, keywords and guidance are required", i)
		case p.Category(e.Category) == nil:
			return fmt.Errorf("emergencies[%d] (%s).category: unknown category %q", i, e.Key, e.Category)
		}
	}
	return nil
}

func (p *Policy) validateRoster() error {
	p.staff = map[string]*Staff{}
	for i, s := range p.Roster {
		if s == nil {
			return fmt.Errorf("roster[%d]: empty entry", i)
		}
		if s.ID == "" || s.Name == "" {
			return fmt.Errorf("roster[%d]: id and name are required", i)
		}
		if err := p.validateStaff(i, s); err != nil {
			return err
		}
		if p.staff[s.ID] != nil {
			return fmt.Errorf("roster[%d].id: %q appears twice", i, s.ID)
		}
		if s.WeComID == "" {
			s.WeComID = s.ID
		}
		if s.DingTalkID == "" {
			s.DingTalkID = s.ID
		}
		p.staff[s.ID] = s
	}
	if p.staff[p.GM] == nil || p.staff[p.GM].Role != RoleGM {
		return fmt.Errorf("gm: %q is not in the roster with role gm", p.GM)
	}
	for _, id := range slices.Sorted(maps.Keys(p.Leaders)) { // policy 3.9: a leader is a person of the roster
		if p.staff[id] == nil || p.staff[id].Role != RoleLeader {
			return fmt.Errorf("leaders.%s: not in the roster with role leader", id)
		}
	}
	return nil
}

// validateStaff checks a roster entry's role and department: crew and
// heads belong to a department of the file (policy section 3); leaders
// (policy 3.9) and the GM (policy 3.10) need none, but one they name must
// exist too.
func (p *Policy) validateStaff(i int, s *Staff) error {
	key := fmt.Sprintf("roster[%d] (%s)", i, s.ID)
	switch s.Role {
	case RoleCrew, RoleHead:
		if s.Department == "" {
			return fmt.Errorf("%s.department: required for role %s", key, s.Role)
		}
	case RoleLeader, RoleGM:
	default:
		return fmt.Errorf("%s.role: %q is not one of crew, head, leader, gm", key, s.Role)
	}
	if s.Department != "" && p.Departments[s.Department] == nil {
		return fmt.Errorf("%s.department: unknown department %q", key, s.Department)
	}
	return nil
}
