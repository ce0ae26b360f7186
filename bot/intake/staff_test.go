package intake

import (
	"context"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

var hotlineOp = Operator{ID: "hotline.crew", Role: "crew", Dept: DeptHotline, Channel: "console"}

func phoneCase(key string) StaffCase {
	return StaffCase{Source: models.SourcePhone, Name: "王五", Phone: "13912345678", Address: "光明路8号2栋",
		Details: "小区停水一天了还没有来水", Expectation: "今天恢复供水", Key: key}
}

func TestFileStaffPhone(t *testing.T) {
	s, enq, cases, _ := newService(t)
	ctx := context.Background()
	res, err := s.FileStaff(ctx, hotlineOp, phoneCase("p1"))
	if err != nil || !res.Created {
		t.Fatalf("file: %+v %v", res, err)
	}
	c := res.Case
	if c.Source != models.SourcePhone || c.Category != "water_pressure" || c.Department != "supply" || c.Major { // policy 3.6
		t.Fatalf("case: %+v", c)
	}
	evs, err := cases.CaseEvents(ctx, c.ID)
	if err != nil || len(evs) != 1 || evs[0].Actor != "hotline.crew" || evs[0].Channel != "console" || evs[0].Text != "来电登记" {
		t.Fatalf("events: %+v %v", evs, err)
	}
	if len(enq.ids) == 0 {
		t.Fatal("cards not enqueued")
	}
	// The same form submitted twice files one case.
	again, err := s.FileStaff(ctx, hotlineOp, StaffCase{Confirm: true, Source: models.SourcePhone, Name: "王五",
		Phone: "13912345678", Address: "光明路8号2栋", Details: "小区停水一天了还没有来水", Expectation: "今天恢复供水", Key: "p1"})
	if err != nil || again.Created || again.Case.Number != c.Number {
		t.Fatalf("resubmission: %+v %v", again, err)
	}
}

func TestFileStaffDuplicates(t *testing.T) {
	s, _, _, _ := newService(t)
	ctx := context.Background()
	first, err := s.FileStaff(ctx, hotlineOp, phoneCase("d1"))
	if err != nil {
		t.Fatal(err)
	}
	other := phoneCase("d2")
	other.Phone = "13900000000" // same address, other phone
	res, err := s.FileStaff(ctx, hotlineOp, other)
	if err != nil || res.Case != nil || len(res.Duplicates) != 1 || res.Duplicates[0].ID != first.Case.ID {
		t.Fatalf("duplicate not reported: %+v %v", res, err)
	}
	other.Confirm = true
	res, err = s.FileStaff(ctx, hotlineOp, other)
	if err != nil || !res.Created || res.Case.ID == first.Case.ID {
		t.Fatalf("confirmed filing: %+v %v", res, err)
	}
}

func TestFileStaffGovernmentAndMedia(t *testing.T) {
	s, _, _, _ := newService(t)
	ctx := context.Background()
	due := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	gov := phoneCase("g1")
	gov.Source, gov.ExternalRef, gov.ExternalDue = models.SourceGov, "12345-20261127-0099", &due
	res, err := s.FileStaff(ctx, hotlineOp, gov)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Case
	if c.Department != DeptOffice || !c.Major || c.MajorReason != "government" || c.ExternalRef != "12345-20261127-0099" ||
		c.ExternalDue == nil || !c.ExternalDue.Equal(due) { // policy 3.2, 4.1.3
		t.Fatalf("government case: %+v", c)
	}
	media := phoneCase("m1")
	media.Phone, media.Address = "13711112222", "阳光花园5栋"
	media.Source, media.Outlet, media.Link = models.SourceMedia, "晚报", "https://news.example/a/1"
	res, err = s.FileStaff(ctx, hotlineOp, media)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Case; c.Department != DeptOffice || c.MajorReason != "media" || !strings.Contains(c.Details, "晚报 https://news.example/a/1") {
		t.Fatalf("media case: %+v", c)
	}
}

func TestFileStaffRefusals(t *testing.T) {
	s, _, _, _ := newService(t)
	ctx := context.Background()
	_, err := s.FileStaff(ctx, Operator{ID: "quality.crew", Role: "crew", Dept: "quality"}, phoneCase("r0"))
	if models.ErrorCode(err) != models.EFORBIDDEN {
		t.Fatalf("crew of another department filed: %v", err)
	}
	tests := []struct {
		name string
		edit func(*StaffCase)
		want string
	}{
		{"no name", func(c *StaffCase) { c.Name = "" }, "姓名"},
		{"script name", func(c *StaffCase) { c.Name = "<script>" }, "姓名"},
		{"bad phone", func(c *StaffCase) { c.Phone = "12345" }, "电话"},
		{"vague address", func(c *StaffCase) { c.Address = "人民路" }, "地址"},
		{"no details", func(c *StaffCase) { c.Details = "不知道" }, "投诉内容"},
		{"no expectation", func(c *StaffCase) { c.Expectation = "" }, "期望"},
		{"wechat source", func(c *StaffCase) { c.Source = models.SourceWeChat }, "来源"},
		{"unknown category", func(c *StaffCase) { c.Category = "nope" }, "类别"},
		{"government without order", func(c *StaffCase) { c.Source = models.SourceGov }, "工单号"},
		{"media bad link", func(c *StaffCase) { c.Source, c.Outlet, c.Link = models.SourceMedia, "晚报", "javascript:alert(1)" }, "链接"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := phoneCase("r-" + tc.name)
			tc.edit(&sc)
			_, err := s.FileStaff(ctx, hotlineOp, sc)
			if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want EINVALID naming %s", err, tc.want)
			}
		})
	}
}

func TestFileStaffResubmittedWithoutConfirm(t *testing.T) {
	s, _, _, _ := newService(t)
	ctx := context.Background()
	first, err := s.FileStaff(ctx, hotlineOp, phoneCase("same"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.FileStaff(ctx, hotlineOp, phoneCase("same"))
	if err != nil || again.Created || again.Case == nil || again.Case.ID != first.Case.ID || len(again.Duplicates) != 0 {
		t.Fatalf("the same form again: %+v %v", again, err)
	}
}
