package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"tapline/bot/dialog"
	"tapline/bot/policy"
	"tapline/models"
)

// Departments of the staff desk (policy 3.1, 3.2), as the policy package
// declares them.
const (
	DeptHotline = policy.DeptHotline // takes calls, visits and letters (policy 3.1)
	DeptOffice  = policy.DeptOffice  // takes government referrals and media reports (policy 3.2)
)

// StaffSources are the sources a staff member files (issue 6, PRODUCT A6).
var StaffSources = []string{models.SourcePhone, models.SourceVisit, models.SourceLetter, models.SourceGov, models.SourceMedia}

// sourceNames are the sources as the desk reads them.
var sourceNames = map[string]string{
	models.SourceWeChat: "公众号", models.SourcePhone: "来电", models.SourceVisit: "来访",
	models.SourceLetter: "来信", models.SourceGov: "12345/政府转办", models.SourceMedia: "媒体报道",
}

// SourceName returns the Chinese name of a case source.
func SourceName(source string) string {
	if n, ok := sourceNames[source]; ok {
		return n
	}
	return source
}

// StaffCase is a complaint taken at the desk: the record of policy 4.1.4
// and what its source adds.
type StaffCase struct {
	Source      string
	Category    string // a policy category key; "" = from the details
	Name        string
	Address     string
	Phone       string
	Details     string
	Expectation string
	ExternalRef string     // government: the 12345 / referral order number
	ExternalDue *time.Time // government: the referring body's deadline
	Outlet      string     // media: newspaper, site or account
	Link        string     // media: the report's URL
	// Key makes filing idempotent (one form submission, one case); empty:
	// a fresh key.
	Key string
	// Confirm files even when open cases of the same phone or address
	// exist (the operator has seen them).
	Confirm bool
}

// Operator is the staff member (or integration) filing a case.
type Operator struct {
	ID      string // roster ID, or "token:<id>"
	Role    string
	Dept    string
	Channel string // "console" or "api"
}

// StaffResult is the outcome of FileStaff: the case filed, or the open
// cases that look like duplicates when nothing was filed.
type StaffResult struct {
	Case       *models.Case
	Created    bool
	Duplicates []*models.Case
}

// FileStaff validates a desk complaint with the dialog's rules (policy
// 4.1.4), looks for open cases of the same phone or address and, unless
// some exist and sc.Confirm is false, files it through the same path as a
// resident's (fileCase: routing, policy 4.1.3 major flag, cards).
// Government and media complaints belong to the company office (policy
// 3.2) and are major (policy 4.1.3). Returns EFORBIDDEN when op is not at
// the hotline or the office, EINVALID listing every missing or bad field.
func (s *Service) FileStaff(ctx context.Context, op Operator, sc StaffCase) (*StaffResult, error) {
	if op.Dept != DeptHotline && op.Dept != DeptOffice {
		return nil, models.Errorf(models.EFORBIDDEN,
			"只有供水服务热线和公司办公室可以登记投诉。")
	}
	c, err := s.staffCase(&sc)
	if err != nil {
		return nil, err
	}
	if !sc.Confirm {
		dups, err := s.openDuplicates(ctx, c)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(dups, func(d *models.Case) bool { return d.DraftKey == c.DraftKey }); i >= 0 {
			return &StaffResult{Case: dups[i]}, nil // this very form, submitted again
		}
		if len(dups) > 0 {
			return &StaffResult{Duplicates: dups}, nil
		}
	}
	ev := models.CaseEvent{Actor: op.ID, Role: op.Role, Channel: op.Channel, Text: staffEventText(c, sc)}
	saved, created, err := s.fileCase(ctx, c, ev, "新投诉（"+SourceName(c.Source)+"）", "")
	if err != nil {
		return nil, err
	}
	return &StaffResult{Case: saved, Created: created}, nil
}

// staffCase validates sc and builds the case row. Its EINVALID error names
// each bad field (models.Invalid); the message joins the reasons.
func (s *Service) staffCase(sc *StaffCase) (*models.Case, error) {
	var bad []models.FieldError
	check := func(v string, ok bool) func(field, msg string) string {
		return func(field, msg string) string {
			if !ok {
				bad = append(bad, models.FieldError{Field: field, Reason: msg})
			}
			return v
		}
	}
	c := &models.Case{Status: models.StatusAssigned, Source: sc.Source, Attachments: "[]"}
	if !slices.Contains(StaffSources, sc.Source) {
		bad = append(bad, models.FieldError{Field: "source", Reason: "来源须为来电、来访、来信、12345/政府转办或媒体报道"})
	}
	c.Name = check(dialog.ValidateName(sc.Name))("name", "请填写居民姓名（2–20 个字，不含数字）")
	c.Phone = check(dialog.ValidatePhone(sc.Phone))("phone", "请填写有效的联系电话（手机或座机）")
	c.Address = check(dialog.ValidateAddress(sc.Address))("address", "请填写详细地址（如 幸福路12号3栋）")
	c.Details = check(dialog.ValidateDetails(sc.Details))("details", fmt.Sprintf("请填写投诉内容（至少 %d 个字，最多 %d 字）", dialog.MinDetails, dialog.MaxDetails))
	c.Expectation = check(dialog.ValidateExpectation(s.policy, sc.Expectation))("expectation", "请填写居民期望的处理结果（没有可填“无”）")
	bad = append(bad, s.route(c, sc)...)
	bad = append(bad, sourceExtras(c, sc)...)
	if len(bad) > 0 {
		return nil, models.Invalid(bad...)
	}
	c.DraftKey = "staff:" + sc.Key
	if sc.Key == "" {
		c.DraftKey = "staff:" + randomKey()
	}
	return c, nil
}

// route sets the category and the department: the company office owns
// government and media complaints (policy 3.2), else the category's owner
// (policy section 3).
func (s *Service) route(c *models.Case, sc *StaffCase) []models.FieldError {
	key := sc.Category
	if key == "" {
		key = dialog.Classify(s.policy, sc.Details)
	}
	if key == "" {
		key = "other"
	}
	cat := s.policy.Category(key)
	if cat == nil {
		return []models.FieldError{{Field: "category", Reason: fmt.Sprintf("没有“%s”这个投诉类别", sc.Category)}}
	}
	c.Category, c.Department = cat.Key, cat.Department
	if c.Source == models.SourceGov || c.Source == models.SourceMedia {
		c.Department = DeptOffice
	}
	return nil
}

// sourceExtras checks and records what government and media sources add.
func sourceExtras(c *models.Case, sc *StaffCase) []models.FieldError {
	var bad []models.FieldError
	switch c.Source {
	case models.SourceGov:
		c.ExternalRef = strings.TrimSpace(sc.ExternalRef)
		if c.ExternalRef == "" || len([]rune(c.ExternalRef)) > 64 {
			bad = append(bad, models.FieldError{Field: "external_ref", Reason: "请填写 12345/政府转办的工单号（最多 64 字）"})
		}
		if sc.ExternalDue != nil {
			due := sc.ExternalDue.UTC()
			c.ExternalDue = &due
		}
	case models.SourceMedia:
		outlet, link := strings.TrimSpace(sc.Outlet), strings.TrimSpace(sc.Link)
		if outlet == "" || len([]rune(outlet)) > 60 {
			bad = append(bad, models.FieldError{Field: "outlet", Reason: "请填写媒体名称（最多 60 字）"})
		}
		if u, err := url.Parse(link); link != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			bad = append(bad, models.FieldError{Field: "link", Reason: "报道链接须以 http:// 或 https:// 开头"})
		}
		if len(bad) == 0 {
			c.Details = strings.TrimSpace(c.Details + "\n【媒体报道】" + outlet + " " + link)
		}
	}
	return bad
}

// openDuplicates returns the open cases with c's phone or address.
func (s *Service) openDuplicates(ctx context.Context, c *models.Case) ([]*models.Case, error) {
	var out []*models.Case
	for _, f := range []models.CaseFilter{
		{Phone: c.Phone, Statuses: models.OpenStatuses, Limit: 20},
		{Address: c.Address, Statuses: models.OpenStatuses, Limit: 20},
	} {
		found, _, err := s.cases.FindCases(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("duplicate check: %w", err)
		}
		for _, d := range found {
			if !slices.ContainsFunc(out, func(x *models.Case) bool { return x.ID == d.ID }) {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// staffEventText is the "created" event's text: who took it and how, and
// what the source adds (order number and deadline, outlet and link).
func staffEventText(c *models.Case, sc StaffCase) string {
	t := SourceName(c.Source) + "登记"
	switch c.Source {
	case models.SourceGov:
		t += "，工单号 " + c.ExternalRef
		if c.ExternalDue != nil {
			t += "，转办期限 " + c.ExternalDue.In(models.CST).Format("2006-01-02 15:04")
		}
	case models.SourceMedia:
		t += "，媒体 " + strings.TrimSpace(sc.Outlet)
		if l := strings.TrimSpace(sc.Link); l != "" {
			t += "，链接 " + l
		}
	}
	return t
}

func randomKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
