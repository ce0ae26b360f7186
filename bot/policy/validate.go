package policy

import (
	"fmt"
	"slices"
)

// RequiredDepartments are the units of policy section 3 every policy file
// must define.
var RequiredDepartments = []string{"hotline", "office", "business", "general", "construction", "supply", "finance", "quality"}

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
	for _, k := range RequiredDepartments {
		if p.Departments[k] == nil {
			return fmt.Errorf("departments.%s: missing (policy section 3 requires it)", k)
		}
	}
	for k, d := range p.Departments {
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

func (p *Policy) validateLeaders() error {
	if len(p.Leaders) == 0 {
		return fmt.Errorf("leaders: at least one leader in charge is required (policy 3.9)")
	}
	covered := map[string]string{}
	for id, l := range p.Leaders {
		if l == nil {
			return fmt.Errorf("leaders.%s: empty entry", id)
		}
		l.ID = id
		for _, d := range l.Departments {
			if p.Departments[d] == nil {
				return fmt.Errorf("leaders.%s.departments: unknown department %q", id, d)
			}
			if other, ok := covered[d]; ok {
				return fmt.Errorf("leaders.%s.departments: %q is already covered by %s", id, d, other)
			}
			covered[d] = id
		}
	}
	for _, k := range RequiredDepartments {
		if covered[k] == "" {
			return fmt.Errorf("leaders: no leader in charge covers department %q (policy 3.9)", k)
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
	for id := range p.Leaders {
		if p.staff[id] == nil || p.staff[id].Role != RoleLeader {
			return fmt.Errorf("leaders.%s: not in the roster with role leader", id)
		}
	}
	return nil
}

func (p *Policy) validateStaff(i int, s *Staff) error {
	switch s.Role {
	case RoleCrew, RoleHead:
		if p.Departments[s.Department] == nil {
			return fmt.Errorf("roster[%d] (%s).department: unknown department %q", i, s.ID, s.Department)
		}
	case RoleLeader, RoleGM:
	default:
		return fmt.Errorf("roster[%d] (%s).role: %q is not one of crew, head, leader, gm", i, s.ID, s.Role)
	}
	return nil
}
