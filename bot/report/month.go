package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tapline/models"
)

// CST is the zone months are counted in (Asia/Shanghai has no DST).
var CST = models.CST

// Month is a calendar month in CST.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month t falls in, in CST.
func MonthOf(t time.Time) Month {
	t = t.In(CST)
	return Month{Year: t.Year(), Month: t.Month()}
}

// Start is the month's first instant.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, CST) }

// End is the next month's first instant (the period is [Start, End)).
func (m Month) End() time.Time { return m.Start().AddDate(0, 1, 0) }

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month { return MonthOf(m.Start().AddDate(0, n, 0)) }

// String renders the month as "2026-11".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Title renders the month as "2026年11月".
func (m Month) Title() string { return fmt.Sprintf("%d年%d月", m.Year, int(m.Month)) }

// monthPattern accepts 2026-11, 2026-1, 2026/11, 2026.11, 2026年11月 and 202611.
var monthPattern = regexp.MustCompile(`^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))$`)

// halfWidth turns full-width digits and separators into ASCII (chat input).
var halfWidth = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5",
	"６", "6", "７", "7", "８", "8", "９", "9", "－", "-", "／", "/", "．", ".", "　", " ")

// ParseMonth reads a month as people type it ("2026-11", "2026年11月",
// full-width digits too). It returns EINVALID with a Chinese message for a
// malformed month, a month number outside 1–12, or a month after now's (the
// current month is allowed: its ledger covers the days so far).
func ParseMonth(s string, now time.Time) (Month, error) {
	in := strings.TrimSpace(halfWidth.Replace(s))
	if in == "" {
		return Month{}, models.Errorf(models.EINVALID, "请写明月份，例如 2026-11。")
	}
	g := monthPattern.FindStringSubmatch(in)
	if g == nil {
		return Month{}, models.Errorf(models.EINVALID, "月份「%s」格式不对，请写成 年-月，例如 2026-11。", strings.TrimSpace(s))
	}
	year, _ := strconv.Atoi(g[1])
	mon, _ := strconv.Atoi(g[2] + g[3])
	if mon < 1 || mon > 12 {
		return Month{}, models.Errorf(models.EINVALID, "月份「%s」不存在：月份应在 1 到 12 之间。", strings.TrimSpace(s))
	}
	if year < 2000 {
		return Month{}, models.Errorf(models.EINVALID, "年份 %d 太早了，请写成 2026-11 这样的年-月。", year)
	}
	m := Month{Year: year, Month: time.Month(mon)}
	if cur := MonthOf(now); m.Start().After(cur.Start()) {
		return Month{}, models.Errorf(models.EINVALID, "%s 还没有到，不能统计；最近可查的月份是 %s。", m, cur)
	}
	return m, nil
}
