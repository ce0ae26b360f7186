package bot

import (
	"errors"
	"testing"
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
