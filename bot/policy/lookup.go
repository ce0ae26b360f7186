package policy

import "strings"

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

// MajorCriterion returns the first policy 4.1.3 criterion whose keywords
// appear in text, and the keyword, or "" if none does.
func (p *Policy) MajorCriterion(text string) (criterion, keyword string) {
	for _, c := range MajorCriteria {
		for _, k := range p.Major[c] {
			if strings.Contains(text, k) {
				return c, k
			}
		}
	}
	return "", ""
}

// Emergency returns the first emergency whose keywords appear in text, or nil.
func (p *Policy) Emergency(text string) *Emergency {
	for _, e := range p.Emergencies {
		for _, k := range e.Keywords {
			if strings.Contains(text, k) {
				return e
			}
		}
	}
	return nil
}
