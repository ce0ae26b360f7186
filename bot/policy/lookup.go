package policy

import (
	"maps"
	"slices"
)

// Category returns the category with that key, or nil.
func (p *Policy) Category(key string) *Category {
	for _, c := range p.Categories {
		if c.Key == key {
			return c
		}
	}
	return nil
}

// Department returns the department with that key, or nil.
func (p *Policy) Department(key string) *Department { return p.Departments[key] }

// LeaderOf returns the leader in charge of a department (policy 3.9).
func (p *Policy) LeaderOf(dept string) *Leader {
	for _, l := range p.Leaders {
		for _, d := range l.Departments {
			if d == dept {
				return l
			}
		}
	}
	return nil
}

// Staff returns the roster entry with that ID, or nil.
func (p *Policy) Staff(id string) *Staff { return p.staff[id] }

// StaffByPlatformID finds a roster entry by its WeCom ("wecom") or DingTalk
// ("dingtalk") user ID.
func (p *Policy) StaffByPlatformID(platform, uid string) *Staff {
	for _, s := range p.Roster {
		if (platform == "wecom" && s.WeComID == uid) || (platform == "dingtalk" && s.DingTalkID == uid) {
			return s
		}
	}
	return nil
}

// DepartmentKeys returns the keys of every department of the policy file,
// sorted: the departments as the data defines them, not as the code knows
// them.
func (p *Policy) DepartmentKeys() []string { return slices.Sorted(maps.Keys(p.Departments)) }
