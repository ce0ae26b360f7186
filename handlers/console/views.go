package console

import (
	"context"
	"net/url"
	"time"

	"tapline/bot/auth"
	"tapline/models"
)

// savedView is one of the case list's saved views (issue 14): a filter
// over the open cases, shown as a link with its count.
type savedView struct {
	Key, Label string
	apply      func(f *models.CaseFilter, p auth.Principal, now time.Time)
}

// savedViews are the views in the order the list shows them.
var savedViews = []savedView{
	{"due_today", "今日到期", func(f *models.CaseFilter, _ auth.Principal, now time.Time) {
		y, m, d := now.In(cst).Date()
		from := time.Date(y, m, d, 0, 0, 0, 0, cst)
		to := from.AddDate(0, 0, 1)
		f.DueFrom, f.DueTo, f.Statuses = &from, &to, models.OpenStatuses
	}},
	{"overdue", "已超时", func(f *models.CaseFilter, _ auth.Principal, now time.Time) {
		f.OverdueAt, f.Statuses = &now, models.OpenStatuses // the overdue filter of the list and dashboard
	}},
	{"mine", "待我处理", func(f *models.CaseFilter, p auth.Principal, _ time.Time) {
		f.Assignee, f.Statuses = p.StaffID, models.OpenStatuses // accepted by me, not yet closed
		if p.StaffID == "" {
			f.Assignee = "-" // a token or the admin holds no case
		}
	}},
	{"callback", "待回访", func(f *models.CaseFilter, _ auth.Principal, _ time.Time) {
		f.Status = models.StatusClosed // the call-back queue's cases (policy 3.1)
	}},
	{"major_unread", "重大未阅", func(f *models.CaseFilter, _ auth.Principal, _ time.Time) {
		t := true
		f.Major, f.RunningStage = &t, models.StageMajorAck // no leader acknowledged yet (policy 4.1.3)
	}},
}

// viewByKey returns the saved view with that key, nil for none.
func viewByKey(key string) *savedView {
	for i := range savedViews {
		if savedViews[i].Key == key {
			return &savedViews[i]
		}
	}
	return nil
}

// viewLink is a saved view as the list shows it.
type viewLink struct {
	Key, Label, URL string
	Count           int
	Active          bool
}

// viewLinks counts each saved view for p, through the guard's list (its
// department rule) with a one-row page: the total is the count. A search
// text is kept: the counts and the links are of the cases it finds.
func (c *Console) viewLinks(ctx context.Context, p auth.Principal, active, query string) ([]viewLink, error) {
	now := c.now()
	out := make([]viewLink, 0, len(savedViews))
	for _, v := range savedViews {
		f := models.CaseFilter{Limit: 1, Query: query}
		v.apply(&f, p, now)
		_, n, err := c.desk.Guard.List(ctx, p, f, auth.ChannelConsole)
		if err != nil {
			return nil, err
		}
		q := url.Values{"view": {v.Key}}
		if query != "" {
			q.Set("q", query)
		}
		out = append(out, viewLink{Key: v.Key, Label: v.Label, URL: Base + "/cases?" + q.Encode(), Count: n,
			Active: v.Key == active})
	}
	return out, nil
}
