package remind

import (
	"testing"
	"time"

	"tapline/models"
)

// TestStepSchedule checks each stage's steps on the business calendar
// (lunch break, night, weekend, holiday, make-up day) and on the wall
// clock for major cases.
func TestStepSchedule(t *testing.T) {
	e := newEnv(t)
	plan := e.svc.Plan()
	type step struct {
		at    time.Time
		kind  string
		level int
	}
	cases := []struct {
		name     string
		stage    string
		category string
		major    bool
		start    time.Time
		want     []step
	}{
		{"pipe leak accept 1h, across lunch", models.StageAccept, "pipe_leak", false, at("2026-11-27", "11:30"), []step{
			{at("2026-11-27", "12:00"), KindRemind, 0}, // 50 % of 1h: the morning's last 30 minutes
			{at("2026-11-27", "13:48"), KindRemind, 0}, // 80 %: 30 min before lunch, 18 after
			{at("2026-11-27", "14:00"), KindWarn, 1},
			{at("2026-11-27", "15:00"), KindEscalate, 2},
			{at("2026-11-27", "16:00"), KindEscalate, 3},
			{at("2026-11-27", "17:00"), KindEscalate, 4},
			{at("2026-11-30", "09:00"), KindEscalate, 5}, // 30 min on Friday, 30 on Monday
		}},
		{"billing accept 2h, Friday evening → Monday", models.StageAccept, "billing", false, at("2026-11-27", "19:00"), []step{
			{at("2026-11-30", "09:30"), KindRemind, 0},
			{at("2026-11-30", "10:06"), KindRemind, 0},
			{at("2026-11-30", "10:30"), KindWarn, 1},
		}},
		{"measures 1d over National Day, make-up Saturday", models.StageMeasures, "billing", false, at("2026-09-30", "10:00"), []step{
			{at("2026-09-30", "15:15"), KindRemind, 0}, // half of 7.5 working hours
			{at("2026-09-30", "17:30"), KindRemind, 0}, // 6 of 7.5 hours: the day's end
			{at("2026-10-08", "10:00"), KindWarn, 1},   // Oct 1–7 off
		}},
		{"feedback same day", models.StageFeedback, "billing", false, at("2026-10-09", "16:00"), []step{
			{at("2026-10-09", "16:45"), KindRemind, 0},
			{at("2026-10-09", "17:12"), KindRemind, 0},
			{at("2026-10-09", "17:30"), KindWarn, 1},
			{at("2026-10-10", "09:30"), KindEscalate, 2}, // Saturday 10-10 is a make-up working day
		}},
		{"major accept 30m on the wall clock, Saturday night", models.StageAccept, "pipe_leak", true, at("2026-11-28", "23:50"), []step{
			{at("2026-11-29", "00:05"), KindRemind, 0},
			{at("2026-11-29", "00:14"), KindRemind, 0},
			{at("2026-11-29", "00:20"), KindWarn, 1},
			{at("2026-11-29", "01:20"), KindEscalate, 2},
		}},
		{"major acknowledgement 30m", models.StageMajorAck, "pipe_leak", true, at("2026-11-28", "03:00"), []step{
			{at("2026-11-28", "03:10").Add(12 * time.Second), KindRemind, 0},
			{at("2026-11-28", "03:20").Add(6 * time.Second), KindRemind, 0},
			{at("2026-11-28", "03:30"), KindWarn, 1},
			{at("2026-11-28", "03:40"), KindEscalate, 2},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &models.Case{Category: tc.category, Major: tc.major}
			d := plan.New(tc.stage, c, tc.start)
			if d.Wall != tc.major {
				t.Errorf("wall = %v, want %v", d.Wall, tc.major)
			}
			for k, w := range tc.want {
				gotAt, kind, level := plan.Step(&d, k)
				if !gotAt.Equal(w.at) || kind != w.kind || level != w.level {
					t.Errorf("step %d = %s %s %d, want %s %s %d", k, gotAt.In(cst).Format("01-02 15:04:05"), kind, level,
						w.at.Format("01-02 15:04:05"), w.kind, w.level)
				}
			}
		})
	}
}

// TestExternalDueWins: a 12345 referral's earlier deadline replaces the
// resolution deadline (PRODUCT A6).
func TestExternalDueWins(t *testing.T) {
	e := newEnv(t)
	ext := at("2026-11-27", "16:00")
	c := &models.Case{Category: "billing", ExternalDue: &ext}
	if due, _ := e.svc.Plan().Due(models.StageResolve, c, at("2026-11-27", "10:00")); !due.Equal(ext) {
		t.Fatalf("due %v, want the external %v", due, ext)
	}
	c.ExternalDue = ptrTime(at("2026-12-31", "10:00"))
	if due, _ := e.svc.Plan().Due(models.StageResolve, c, at("2026-11-27", "10:00")); !due.Equal(at("2026-12-02", "10:00")) {
		t.Fatalf("due %v, want 3 working days", due.In(cst))
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestAreaKey(t *testing.T) {
	for in, want := range map[string]string{
		"幸福小区3栋2单元501":    "幸福小区",
		"人民路88号幸福小区5栋":    "幸福小区",
		"西湖区幸福小区":         "幸福小区",
		"杭州市西湖区文三路100号":   "文三路",
		"城关镇阳光花园12幢":      "阳光花园",
		"解放路与人民路交叉口":      "解放路",
		"滨江区长河街道江南大道588号": "江南大道",
		"我家": "",
	} {
		if got := AreaKey(in); got != want {
			t.Errorf("AreaKey(%q) = %q, want %q", in, got, want)
		}
	}
}
