package download

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	s := NewSigner("secret-0123456789", "https://t.example/")
	now := time.Unix(1_800_000_000, 0)
	u, err := url.Parse(s.URL(42, now.Add(time.Hour)))
	if err != nil || u.Path != "/files/42" || u.Host != "t.example" {
		t.Fatalf("url %v %v", u, err)
	}
	exp, sig := u.Query().Get("exp"), u.Query().Get("sig")
	if err := s.Verify(42, exp, sig, now); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		id       uint64
		exp, sig string
		now      time.Time
		want     string
	}{
		"other file": {43, exp, sig, now, "签名"},
		"stretched":  {42, strconv.FormatInt(now.Add(48*time.Hour).Unix(), 10), sig, now, "签名"},
		"expired":    {42, exp, sig, now.Add(2 * time.Hour), "过期"},
		"no expiry":  {42, "", sig, now, "有效期"},
		"other key":  {42, exp, NewSigner("other", "").mac(42, now.Add(time.Hour).Unix()), now, "签名"},
		"empty sig":  {42, exp, "", now, "签名"},
	} {
		if err := s.Verify(c.id, c.exp, c.sig, c.now); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
