package console

import (
	"html/template"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"tapline/bot/auth"
	"tapline/bot/casework"
	"tapline/bot/intake"
	"tapline/models"
)

// cst is the zone of the times staff read (models.CST).
var cst = models.CST

// option is one choice of a select.
type option struct{ Value, Label string }

// funcs are the templates' helpers.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"status":   casework.StatusName,
		"dept":     c.deptName,
		"category": c.categoryName,
		"source":   intake.SourceName,
		"role":     auth.RoleName,
		"action":   actionLabel,
		"staff":    c.staffName,
		"actor":    c.actorName,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(cst).Format("2006-01-02 15:04")
		},
		"whenp": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(cst).Format("2006-01-02 15:04")
		},
		"isURL":      isWebURL,
		"statuses":   func() []option { return statusOptions() },
		"sources":    func() []option { return sourceOptions() },
		"categories": c.categoryOptions,
		"sortedKeys": sortedKeys,
		"q":          func(v url.Values, k string) string { return v.Get(k) },
		"mapget":     func(m map[string]string, k string) string { return m[k] },
		"mapint":     func(m map[string]int, k string) int { return m[k] },
		"eventPhoto": func(ev *models.CaseEvent) bool { return ev.Type == casework.EventPhoto },
		"multiline":  func(s string) []string { return strings.Split(s, "\n") },
		"openStatus": func(s string) bool { return slices.Contains(models.OpenStatuses, s) },
		"formFields": func() []string { return intakeFields },
		"tel":        func(phone string) template.URL { return template.URL(telURL(phone)) }, // digits only
	}
}

// actionLabel names a timeline event or an action; never the raw type
// (casework's one table of event names).
func actionLabel(typ string) string { return casework.EventName(typ) }

// actorName names who wrote an event: 居民 for the resident (never the
// WeChat OpenID), 系统 for timers and clustering, a roster member by name
// and role.
func (c *Console) actorName(ev *models.CaseEvent) string {
	switch ev.Role {
	case "resident":
		return "居民"
	case "system":
		return "系统"
	}
	if st := c.desk.Policy.Staff(ev.Actor); st != nil {
		return st.Name + "（" + auth.RoleName(st.Role) + "）"
	}
	if n := auth.RoleName(ev.Role); n != ev.Role {
		return n
	}
	return "工作人员"
}

// isWebURL reports whether s is an http(s) URL (photos are shown only then).
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (c *Console) deptName(key string) string {
	if d := c.desk.Policy.Department(key); d != nil {
		return d.Name
	}
	return key
}

func (c *Console) categoryName(key string) string {
	if cat := c.desk.Policy.Category(key); cat != nil {
		return cat.Name
	}
	return key
}

// staffName names an event's actor: a roster name, or the ID.
func (c *Console) staffName(id string) string {
	if st := c.desk.Policy.Staff(id); st != nil {
		return st.Name
	}
	if strings.HasPrefix(id, "o") && len(id) > 12 {
		return "居民"
	}
	return id
}

func (c *Console) deptOptions() []option {
	keys := make([]string, 0, len(c.desk.Policy.Departments))
	for k := range c.desk.Policy.Departments {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]option, len(keys))
	for i, k := range keys {
		out[i] = option{Value: k, Label: c.deptName(k)}
	}
	return out
}

func (c *Console) categoryOptions() []option {
	out := make([]option, len(c.desk.Policy.Categories))
	for i, cat := range c.desk.Policy.Categories {
		out[i] = option{Value: cat.Key, Label: cat.Name}
	}
	return out
}

func statusOptions() []option {
	all := append(slices.Clone(models.OpenStatuses), models.StatusClosed)
	out := make([]option, len(all))
	for i, s := range all {
		out[i] = option{Value: s, Label: casework.StatusName(s)}
	}
	return out
}

func sourceOptions() []option {
	all := append([]string{models.SourceWeChat}, intake.StaffSources...)
	out := make([]option, len(all))
	for i, s := range all {
		out[i] = option{Value: s, Label: intake.SourceName(s)}
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
