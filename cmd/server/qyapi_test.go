package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// qyMsg is one request the fake WeCom API received: a group robot post
// (Kind "robot", To the robot key), an app message (Kind "send", To the
// user IDs) or an in-place card update (Kind "update", To the user IDs or
// "@all").
type qyMsg struct {
	Kind, To, TaskID, Code string
	Body                   string
}

// fakeQYAPI plays the WeCom server API the server talks to: gettoken,
// message/send (answering a response_code for template cards),
// message/update_template_card (each response_code usable once, as WeCom
// documents; no new code in the answer) and the group robot webhook.
type fakeQYAPI struct {
	srv  *httptest.Server
	mu   sync.Mutex
	msgs []qyMsg
	used map[string]bool // response codes handed out: true once used
	n    int
}

func newFakeQYAPI(t testing.TB) *fakeQYAPI {
	f := &fakeQYAPI{used: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeQYAPI) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := io.ReadAll(r.Body)
	var body struct {
		ToUser       string   `json:"touser"`
		UserIDs      []string `json:"userids"`
		AtAll        int      `json:"atall"`
		ResponseCode string   `json:"response_code"`
		TemplateCard *struct {
			TaskID string `json:"task_id"`
		} `json:"template_card"`
	}
	_ = json.Unmarshal(b, &body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"fake-token","expires_in":7200}`)
	case "/cgi-bin/webhook/upload_media":
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"m-1"}`)
	case "/cgi-bin/webhook/send":
		f.msgs = append(f.msgs, qyMsg{Kind: "robot", To: r.URL.Query().Get("key"), Body: string(b)})
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	case "/cgi-bin/message/send":
		m := qyMsg{Kind: "send", To: body.ToUser, Body: string(b)}
		answer := fmt.Sprintf(`{"errcode":0,"errmsg":"ok","msgid":"msg-%d"}`, f.n)
		if body.TemplateCard != nil {
			m.TaskID, m.Code = body.TemplateCard.TaskID, fmt.Sprintf("rc-%d", f.n)
			f.used[m.Code] = false
			answer = fmt.Sprintf(`{"errcode":0,"errmsg":"ok","msgid":"msg-%d","response_code":%q}`, f.n, m.Code)
		}
		f.msgs = append(f.msgs, m)
		_, _ = io.WriteString(w, answer)
	case "/cgi-bin/message/update_template_card":
		used, known := f.used[body.ResponseCode]
		if !known || used {
			_, _ = io.WriteString(w, `{"errcode":40058,"errmsg":"invalid response_code","invaliduser":[]}`)
			return
		}
		f.used[body.ResponseCode] = true
		to := strings.Join(body.UserIDs, "|")
		if body.AtAll == 1 {
			to = "@all"
		}
		m := qyMsg{Kind: "update", To: to, Code: body.ResponseCode, Body: string(b)}
		if body.TemplateCard != nil {
			m.TaskID = body.TemplateCard.TaskID
		}
		f.msgs = append(f.msgs, m)
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":[]}`)
	default:
		http.NotFound(w, r)
	}
}

// received returns a copy of every message received so far.
func (f *fakeQYAPI) received() []qyMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]qyMsg(nil), f.msgs...)
}

// codeOwner returns the app message that handed out a response code.
func (f *fakeQYAPI) codeOwner(code string) (qyMsg, bool) {
	for _, m := range f.received() {
		if m.Kind == "send" && m.Code == code {
			return m, true
		}
	}
	return qyMsg{}, false
}

// policyWithRobots writes a copy of configs/policy.yaml whose groups have
// WeCom robot keys: "key-leaders" for the leaders' group, "key-<n>" for
// the departments.
func policyWithRobots(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), `leaders_group: {wecom_robot_key: ""`, `leaders_group: {wecom_robot_key: "key-leaders"`, 1)
	parts := strings.Split(text, `wecom_robot_key: ""`)
	var out strings.Builder
	for i, p := range parts {
		out.WriteString(p)
		if i < len(parts)-1 {
			fmt.Fprintf(&out, `wecom_robot_key: "key-%d"`, i+1)
		}
	}
	path := t.TempDir() + "/policy.yaml"
	if err := os.WriteFile(path, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
