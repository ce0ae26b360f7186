// Package download signs and checks the expiring links of stored files
// (ledgers and charts sent to DingTalk groups, whose custom robots cannot
// carry files): /files/<id>?exp=<unix>&sig=<hex HMAC-SHA256 of "id.exp">.
package download

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Signer signs and verifies download links with a secret shared by every
// replica.
type Signer struct {
	secret []byte
	base   string // public URL of the server, e.g. https://tapline.example.com
}

// NewSigner returns a Signer; base is the server's public URL.
func NewSigner(secret, base string) *Signer {
	return &Signer{secret: []byte(secret), base: strings.TrimRight(base, "/")}
}

func (s *Signer) mac(id uint64, exp int64) string {
	m := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(m, "%d.%d", id, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// URL returns the link to file id, valid until exp.
func (s *Signer) URL(id uint64, exp time.Time) string {
	e := exp.Unix()
	return fmt.Sprintf("%s/files/%d?exp=%d&sig=%s", s.base, id, e, s.mac(id, e))
}

// Verify checks a link's expiry and signature (constant time); the error
// says which failed.
func (s *Signer) Verify(id uint64, exp, sig string, now time.Time) error {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return fmt.Errorf("链接缺少有效期")
	}
	if !hmac.Equal([]byte(sig), []byte(s.mac(id, e))) {
		return fmt.Errorf("链接签名不正确")
	}
	if now.Unix() > e {
		return fmt.Errorf("链接已过期，请在群里重新发送「台账」或「统计」获取")
	}
	return nil
}
