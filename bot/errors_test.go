package bot

import (
	"errors"
	"testing"
	"time"
)

func TestAPIError(t *testing.T) {
	e := &APIError{Op: "wecom robot key=" + Mask("693axxxxsecret"), Status: 200, Code: 93000, Msg: "invalid webhook"}
	if errors.Is(e, ErrPermanent) {
		t.Fatal("temporary error unwraps to ErrPermanent")
	}
	e.Permanent = true
	if !errors.Is(e, ErrPermanent) || e.HTTPStatus() != 200 {
		t.Fatal("permanent error")
	}
	if got := e.Error(); got != "wecom robot key=693a****: http 200 errcode 93000: invalid webhook" {
		t.Fatalf("Error() = %q", got)
	}
	if Mask("abc") != "****" || Mask("") != "****" {
		t.Fatal("short credentials must be hidden entirely")
	}
}

func TestReadErrcode(t *testing.T) {
	tests := []struct {
		status          int
		body            string
		done, perm, err bool
		code            int
	}{
		{200, `{"errcode":0,"errmsg":"ok"}`, true, false, false, 0},
		{200, `{"errcode":93000,"errmsg":"invalid webhook"}`, false, false, false, 93000},
		{200, `not json`, true, false, true, 0},
		{429, ``, true, false, true, 0},
		{502, ``, true, false, true, 0},
		{404, ``, true, true, true, 0},
	}
	for _, tt := range tests {
		e := &APIError{Op: "test", Status: tt.status}
		done, err := ReadErrcode(e, tt.status, []byte(tt.body), time.Minute)
		if done != tt.done || (err != nil) != tt.err || errors.Is(err, ErrPermanent) != tt.perm || e.Code != tt.code {
			t.Errorf("%d %q: done=%v err=%v code=%d", tt.status, tt.body, done, err, e.Code)
		}
	}
}
