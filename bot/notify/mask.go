package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"

	"tapline/bot"
	"tapline/models"
)

// MaskTarget keeps the first four characters of a target (robot key,
// token, OpenID) for logs.
func MaskTarget(target string) string {
	r := []rune(target)
	if len(r) <= 4 {
		return "****"
	}
	return string(r[:4]) + "****"
}

// LimitKey is the rate-limit key of a (channel, target) pair. The target is
// hashed so no credential ends up in a Redis key.
func LimitKey(channel, target string) string {
	sum := sha256.Sum256([]byte(target))
	return channel + ":" + hex.EncodeToString(sum[:12])
}

// urlPattern finds links in text: the characters a URL may carry.
var urlPattern = regexp.MustCompile(`https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+`)

// MaskURL keeps a link's scheme, host and path and hides its query and
// fragment, where links carry their credentials: one-time sign-in tokens,
// file signatures, DingTalk session keys.
func MaskURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}

// MaskSecrets hides the query of every link in s.
func MaskSecrets(s string) string { return urlPattern.ReplaceAllStringFunc(s, MaskURL) }

// phonePattern finds mobile (11 digits from 13…) and landline numbers not
// run into other digits or letters (case numbers stay).
var phonePattern = regexp.MustCompile(`(^|[^0-9A-Za-z])(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8})($|[^0-9A-Za-z])`)

// fieldPattern finds the labelled fields of read-backs and case texts.
var fieldPattern = regexp.MustCompile(`(姓名|称呼|联系人|居民|电话|手机|联系电话|地址|住址)([：:][ \t]*)([^\n]*)`)

// MaskPersonal masks what identifies a resident in free text: phone
// numbers anywhere, and the value of a labelled name, phone or address
// field (姓名：…, 电话：…, 地址：…, 居民：…).
func MaskPersonal(s string) string {
	s = fieldPattern.ReplaceAllStringFunc(s, func(m string) string {
		p := fieldPattern.FindStringSubmatch(m)
		return p[1] + p[2] + maskField(p[1], p[3])
	})
	return phonePattern.ReplaceAllStringFunc(s, func(m string) string {
		p := phonePattern.FindStringSubmatch(m)
		return p[1] + models.MaskPhone(strings.ReplaceAll(p[2], "-", "")) + p[3]
	})
}

// maskField masks one labelled value.
func maskField(label, value string) string {
	switch label {
	case "地址", "住址":
		return MaskAddress(value)
	case "电话", "手机", "联系电话":
		return models.MaskPhone(strings.TrimSpace(value))
	}
	name, rest, _ := strings.Cut(value, " ") // 居民：张三丰 13812345678
	if rest != "" {
		rest = " " + rest
	}
	return models.MaskName(name) + rest
}

// MaskAddress keeps the first third of an address, at most six
// characters: "幸福路12号3栋402" → "幸福路*******".
func MaskAddress(a string) string {
	r := []rune(strings.TrimSpace(a))
	if len(r) == 0 {
		return ""
	}
	keep := min((len(r)+2)/3, 6)
	return string(r[:keep]) + strings.Repeat("*", len(r)-keep)
}

// MaskText is what a log line may carry of a message text: MaskSecrets,
// then MaskPersonal.
func MaskText(s string) string { return MaskPersonal(MaskSecrets(s)) }

// MaskMessage returns a copy of m as a log may show it: texts masked, the
// card's address shortened, every link's query hidden.
func MaskMessage(m bot.Message) bot.Message {
	m = MaskMessageSecrets(m)
	m.Text = MaskPersonal(m.Text)
	if m.Card != nil {
		c := m.Card
		c.Name, c.Phone, c.Address = models.MaskName(c.Name), models.MaskPhone(c.Phone), MaskAddress(c.Address)
		c.Summary, c.Expect, c.MajorWhy = MaskPersonal(c.Summary), MaskPersonal(c.Expect), MaskPersonal(c.MajorWhy)
	}
	return m
}

// MaskMessageSecrets returns a copy of m with the credentials in its
// links hidden.
func MaskMessageSecrets(m bot.Message) bot.Message {
	m.Text = MaskSecrets(m.Text)
	if m.Card != nil {
		c := *m.Card
		c.URL, c.Summary = MaskURL(c.URL), MaskSecrets(c.Summary)
		m.Card = &c
	}
	if m.File != nil {
		f := *m.File
		f.URL, f.Note = MaskURL(f.URL), MaskSecrets(f.Note)
		m.File = &f
	}
	return m
}

// keyPattern is a department, person or group key: safe to log as it is.
var keyPattern = regexp.MustCompile(`^[a-z0-9._-]{1,24}$`)

// MaskAudience is a sink target as a log may show it: a key as it is, a
// link without its query, anything else (an OpenID, a user ID) cut to
// four characters.
func MaskAudience(target string) string {
	switch {
	case keyPattern.MatchString(target):
		return target
	case urlPattern.MatchString(target):
		return MaskURL(target)
	}
	return MaskTarget(target)
}
