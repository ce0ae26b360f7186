package models

import "strings"

// MaskName keeps the first character of a name: "张三丰" → "张**".
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}

// MaskPhone keeps the first three and last four digits of a mobile number
// ("138****5678") and the last four of anything else ("****5678"); an
// unknown phone stays empty.
func MaskPhone(phone string) string {
	r := []rune(phone)
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 11 && r[0] == '1':
		return string(r[:3]) + "****" + string(r[7:])
	case len(r) > 4:
		return "****" + string(r[len(r)-4:])
	default:
		return "****"
	}
}
