package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/models"
)

func TestGuardDepartmentsAndMasking(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.file(t, "g1", "13812345678", "幸福路12号3栋") // quality (policy 3.8)
	tests := []struct {
		who      string
		see      bool
		full     bool
		whyMatch string
	}{
		{"quality.crew", true, true, ""},       // its department contacts the resident (4.2.1)
		{"hotline.crew", true, true, ""},       // the hotline calls back (3.1)
		{"office.head", true, true, ""},        // the office (3.2)
		{"leader.b", true, true, ""},           // quality's leader in charge approves (4.2.7)
		{"leader.a", true, false, ""},          // another leader: sees, masked
		{"gm", true, false, ""},                // ordinary case: the GM does not approve it
		{"supply.crew", false, false, "水质检测室"}, // another department: refused, and why
	}
	for _, tc := range tests {
		t.Run(tc.who, func(t *testing.T) {
			d, err := e.desk.Guard.Case(ctx, e.person(t, tc.who), c.Number, ChannelConsole)
			if !tc.see {
				if models.ErrorCode(err) != models.EFORBIDDEN || !strings.Contains(models.ErrorMessage(err), tc.whyMatch) ||
					!strings.Contains(models.ErrorMessage(err), "只能查看本部门") {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantPhone := "138****5678"
			if tc.full {
				wantPhone = "13812345678"
			}
			if d.Full != tc.full || d.Case.Phone != wantPhone || len(d.Events) != 1 {
				t.Fatalf("full %v phone %s events %d", d.Full, d.Case.Phone, len(d.Events))
			}
		})
	}
	reads, err := e.db.CaseReads(ctx, c.ID)
	if err != nil || len(reads) != 4 {
		t.Fatalf("recorded %d full reads, want 4 (%v)", len(reads), err)
	}
	if reads[0].Reader != "quality.crew" || reads[0].Channel != ChannelConsole || reads[0].Purpose != "detail" {
		t.Fatalf("read: %+v", reads[0])
	}
	_, err = e.desk.Guard.Reads(ctx, e.person(t, "quality.crew"), c.Number)
	wantCode(t, err, models.EFORBIDDEN)
	if got, err := e.desk.Guard.Reads(ctx, e.person(t, "gm"), c.Number); err != nil || len(got) != 4 {
		t.Fatalf("gm reads the record: %d %v", len(got), err)
	}
}

func TestGuardListScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.file(t, "l1", "13812345678", "幸福路12号3栋")
	got, total, err := e.desk.Guard.List(ctx, e.person(t, "quality.crew"), models.CaseFilter{}, ChannelAPI)
	if err != nil || total != 1 || got[0].Phone != "138****5678" || got[0].Name != "张**" {
		t.Fatalf("own department list: %+v %d %v", got, total, err)
	}
	if got, total, _ := e.desk.Guard.List(ctx, e.person(t, "supply.crew"), models.CaseFilter{}, ChannelAPI); total != 0 || len(got) != 0 {
		t.Fatalf("another department sees %d cases", total)
	}
	_, _, err = e.desk.Guard.List(ctx, e.person(t, "supply.crew"), models.CaseFilter{Department: "quality"}, ChannelAPI)
	wantCode(t, err, models.EFORBIDDEN)
	full, _, err := e.desk.Guard.List(ctx, Admin(), models.CaseFilter{}, ChannelAPI)
	if err != nil || full[0].Phone != "13812345678" {
		t.Fatalf("admin list: %+v %v", full, err)
	}
	if reads, _ := e.db.CaseReads(ctx, c.ID); len(reads) != 1 || reads[0].Reader != "admin" || reads[0].Purpose != "list" {
		t.Fatalf("admin list read not recorded: %+v", reads)
	}
}

func TestActionsFollowTheChatRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.file(t, "a1", "13812345678", "幸福路12号3栋")
	// The hotline sees the case but may not accept it for the department.
	res, err := e.desk.Actions.Do(ctx, e.person(t, "hotline.crew"), ActRequest{Number: c.Number, Action: casework.ActAccept})
	if err != nil || res.Done || !strings.Contains(res.Reply, "接单") {
		t.Fatalf("hotline accept: %+v %v", res, err)
	}
	_, err = e.desk.Actions.Do(ctx, e.person(t, "supply.crew"), ActRequest{Number: c.Number, Action: casework.ActAccept})
	wantCode(t, err, models.EFORBIDDEN)
	res, err = e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: c.Number, Action: casework.ActAccept})
	if err != nil || !res.Done || res.Case.Status != models.StatusAccepted {
		t.Fatalf("accept: %+v %v", res, err)
	}
	res, err = e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: c.Number, Action: casework.ActPropose,
		Text: "上门取样检测，冲洗管道"})
	if err != nil || !res.Done || res.Case.Status != models.StatusMeasuresProposed {
		t.Fatalf("propose: %+v %v", res, err)
	}
	res, err = e.desk.Actions.Do(ctx, e.person(t, "leader.b"), ActRequest{Number: c.Number, Action: casework.ActApprove})
	if err != nil || !res.Done || res.Case.Status != models.StatusNegotiating {
		t.Fatalf("approve current version: %+v %v", res, err)
	}
	res, err = e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: c.Number, Action: casework.ActTransfer,
		Department: "supply", Text: "其实是水压问题"})
	if err != nil || res.Done {
		t.Fatalf("transfer while negotiating must be refused: %+v %v", res, err)
	}
	tok := Principal{Name: "crm", Role: "crew", Department: "quality", Via: ViaToken, TokenID: 7}
	_, err = e.desk.Actions.Do(ctx, tok, ActRequest{Number: c.Number, Action: casework.ActNote, Text: "x"})
	wantCode(t, err, models.EFORBIDDEN)
	_, err = e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: c.Number, Action: "explode"})
	wantCode(t, err, models.EINVALID)
	_, err = e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: "TS19990101-0001", Action: casework.ActNote, Text: "x"})
	wantCode(t, err, models.ENOTFOUND)
}

type recordingStaff struct{ got []bot.Update }

func (r *recordingStaff) Handle(_ context.Context, u bot.Update) (bot.Reply, error) {
	r.got = append(r.got, u)
	return bot.Reply{Text: "next"}, nil
}

func TestLoginCommand(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	next := &recordingStaff{}
	l := NewLoginCommand(next, e.desk.Links, e.pol, func() string { return "https://desk.example/" }, slogDiscard())
	r, err := l.Handle(ctx, bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindText, SenderID: "quality.crew",
		ChatType: "single", Text: " 登录 "})
	if err != nil || !strings.Contains(r.Text, "https://desk.example/console/link?token=") {
		t.Fatalf("reply %q %v", r.Text, err)
	}
	token := r.Text[strings.Index(r.Text, "token=")+len("token="):]
	if sess, err := e.desk.SignInLink(ctx, token); err != nil || sess.StaffID != "quality.crew" {
		t.Fatalf("link signs in: %+v %v", sess, err)
	}
	r, _ = l.Handle(ctx, bot.Update{Platform: bot.PlatformDingTalk, Kind: bot.KindText, SenderID: "quality.crew",
		ChatType: "group", Text: "@水务助手 登录"})
	if r.Text != txtLoginGroup {
		t.Fatalf("group: %q", r.Text)
	}
	r, _ = l.Handle(ctx, bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindText, SenderID: "stranger", Text: "登录"})
	if r.Text != txtLoginUnknown {
		t.Fatalf("stranger: %q", r.Text)
	}
	for _, text := range []string{"接单 TS20261127-0001", "登录 TS20261127-0001", "怎么登录"} {
		if r, _ := l.Handle(ctx, bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindText, SenderID: "quality.crew", Text: text}); r.Text != "next" {
			t.Fatalf("%q not delegated: %q", text, r.Text)
		}
	}
	if len(next.got) != 3 {
		t.Fatalf("delegated %d", len(next.got))
	}
}

func TestDashboardScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.file(t, "d1", "13812345678", "幸福路12号3栋")
	since, until := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	all, err := e.desk.Dashboard(ctx, e.person(t, "hotline.crew"), since, until)
	if err != nil || all.Total != 1 || all.ByDepartment["quality"] != 1 || all.BySource["phone"] != 1 || all.Open != 1 || all.Overdue != 0 {
		t.Fatalf("hotline dashboard: %+v %v", all, err)
	}
	other, err := e.desk.Dashboard(ctx, e.person(t, "supply.crew"), since, until)
	if err != nil || other.Total != 0 || other.Open != 0 {
		t.Fatalf("supply dashboard: %+v %v", other, err)
	}
}

// TestActionsAreTyped: the console's and the API's text reaches the case as
// written — lines, full-width figures and words that are also commands are
// not re-read as a chat message would be.
func TestActionsAreTyped(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.file(t, "a2", "13812345678", "幸福路12号3栋")
	if res, err := e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: c.Number, Action: casework.ActAccept}); err != nil || !res.Done {
		t.Fatalf("accept: %+v %v", res, err)
	}
	note := "第一行：水压０.１２MPa\n第二行：转派 施工队 v2 TS20261127-0009"
	res, err := e.desk.Actions.Do(ctx, e.person(t, "quality.crew"), ActRequest{Number: c.Number, Action: casework.ActNote, Text: note})
	if err != nil || !res.Done {
		t.Fatalf("note: %+v %v", res, err)
	}
	evs, err := e.db.CaseEvents(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Type != casework.ActNote || last.Text != note {
		t.Fatalf("note stored as %q %q, want %q", last.Type, last.Text, note)
	}
}
