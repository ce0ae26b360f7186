package console

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tapline/bot/casework"
	"tapline/models"
)

// newCase files a WeChat case for the supply department directly in the
// store and returns it.
func (e *testEnv) newCase(t *testing.T, key, details string) *models.Case {
	t.Helper()
	nc := &models.NewCase{Case: models.Case{DraftKey: key, Status: models.StatusAssigned, ResidentID: "oRes" + key + "0123456789",
		Source: models.SourceWeChat, Category: "water_pressure", Department: "supply",
		Name: "赵六", Address: "幸福路12号3栋", Phone: "13700001111", Details: details, Attachments: "[]"},
		Event: models.CaseEvent{Type: "created", Actor: "oRes" + key + "0123456789", Role: "resident", Channel: "wechat",
			Text: "居民通过公众号投诉；分类：水压"}}
	c, _, err := e.db.CreateCase(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// actForm returns the action's form on the page, "" when there is none.
func actForm(page, action string) string {
	return regexp.MustCompile(`(?s)<form[^>]*id="form-` + action + `".*?</form>`).FindString(page)
}

// TestActionForms: the case page has one form per action that fits the
// status, from the command registry: the button says the command's name,
// a text field only when the command needs one (labelled with what it
// must say, minlength its minimum), approvals carry the measure version
// and a transfer a department select; the rules still decide on submit.
func TestActionForms(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase(t, "forms", "水压小")
	supply := e.browser(t)
	supply.login("supply.crew")
	_, page := supply.get("/console/cases/" + c.Number)
	accept, transfer := actForm(page, casework.ActAccept), actForm(page, casework.ActTransfer)
	if !strings.Contains(accept, ">接单</button>") || strings.Contains(accept, "<textarea") {
		t.Fatalf("accept form: %s", accept)
	}
	if !strings.Contains(transfer, `<select name="department" required>`) || !strings.Contains(transfer, "供水股") ||
		!strings.Contains(transfer, "转派的理由") || !strings.Contains(transfer, ">转派</button>") {
		t.Fatalf("transfer form: %s", transfer)
	}
	if actForm(page, casework.ActNote) != "" || actForm(page, casework.ActApprove) != "" {
		t.Fatal("forms of actions that do not fit the status")
	}
	tok := supply.csrf("/console/cases/" + c.Number)
	if code, body := supply.post("/console/cases/"+c.Number+"/act", url.Values{"csrf": {tok}, "action": {casework.ActAccept}}); code != 200 || !strings.Contains(body, "已接单") {
		t.Fatalf("accept: %d\n%s", code, body)
	}
	_, page = supply.get("/console/cases/" + c.Number)
	note, propose := actForm(page, casework.ActNote), actForm(page, casework.ActPropose)
	if !strings.Contains(note, "进展内容") || !strings.Contains(note, `name="text"`) || strings.Contains(note, "minlength") {
		t.Fatalf("note form: %s", note)
	}
	if !strings.Contains(propose, "做什么、什么时候、由谁来做") || !strings.Contains(propose, `minlength="4"`) ||
		!strings.Contains(propose, "例：明天上午由维修班上门更换水表并致歉") {
		t.Fatalf("propose form: %s", propose)
	}
	form := url.Values{"csrf": {tok}, "action": {casework.ActPropose}, "text": {"明天上午由维修班上门更换水表并致歉"}}
	if code, body := supply.post("/console/cases/"+c.Number+"/act", form); code != 200 || !strings.Contains(body, status(models.StatusMeasuresProposed)) {
		t.Fatalf("propose: %d\n%s", code, body)
	}
	_, page = supply.get("/console/cases/" + c.Number)
	approve := actForm(page, casework.ActApprove)
	if !strings.Contains(approve, `name="version" value="1"`) || !strings.Contains(actForm(page, casework.ActReject), "驳回的理由") {
		t.Fatalf("approve form: %s", approve)
	}
	// The crew may not approve: the form is there, the rules refuse.
	code, body := supply.post("/console/cases/"+c.Number+"/act", url.Values{"csrf": {tok}, "action": {casework.ActApprove}, "version": {"1"}})
	if code != 200 || !strings.Contains(body, "未办理") || !strings.Contains(body, status(models.StatusMeasuresProposed)) {
		t.Fatalf("approve by the crew: %d\n%s", code, body)
	}
}

func TestExampleText(t *testing.T) {
	for usage, want := range map[string]string{
		"进展 TS20261127-0001 已到现场查看（几分钟内发的照片会附到这条进展）": "已到现场查看",
		"接单 TS20261127-0001": "", "台账 2026-11": "",
	} {
		if got := exampleText(usage); got != want {
			t.Errorf("exampleText(%q) = %q, want %q", usage, got, want)
		}
	}
}
