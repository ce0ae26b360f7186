package remind

import (
	"regexp"
	"strings"
)

// Where a complaint is, as the estate or street it names: the key that
// clusters households (PRODUCT A7). An estate wins over a street.
var (
	estateRe = regexp.MustCompile(`[\p{Han}A-Za-z0-9]{2,16}?(小区|花园|家园|新村|公寓|大厦|苑|社区)`)
	streetRe = regexp.MustCompile(`[\p{Han}A-Za-z0-9]{1,10}?(大道|路|街|巷|弄)`)
)

// cuts end the part of an address before an estate's own name: streets,
// house numbers and administrative units.
const cuts = "省市县区镇乡路街道巷弄号栋幢座楼单元室"

// AreaKey returns the estate or street of an address, "" when it names
// neither.
func AreaKey(addr string) string {
	a := strings.Join(strings.Fields(addr), "")
	if loc := estateRe.FindStringSubmatchIndex(a); loc != nil {
		if key := estateName(a[loc[0]:loc[3]], a[loc[2]:loc[3]]); key != "" {
			return key
		}
	}
	a = stripAdmin(a)
	if i := strings.LastIndex(a, "街道"); i >= 0 { // 街道 is a sub-district, not a street
		a = a[i+len("街道"):]
	}
	return streetRe.FindString(a)
}

// estateName keeps the estate's own name from m (which ends with suffix):
// what follows the last street, number or administrative unit.
func estateName(m, suffix string) string {
	body := []rune(strings.TrimSuffix(m, suffix))
	for i := len(body) - 1; i >= 0; i-- {
		if strings.ContainsRune(cuts, body[i]) && !(body[i] == '区' && i == len(body)-1) {
			body = body[i+1:]
			break
		}
	}
	if len(body) < 2 {
		return ""
	}
	return string(body) + suffix
}

// stripAdmin drops leading administrative units (…省…市…区…县) so the
// street is found after them.
func stripAdmin(a string) string {
	r := []rune(a)
	last := -1
	for i, c := range r {
		if strings.ContainsRune("省市县", c) || (c == '区' && (i == 0 || !strings.ContainsRune("小社园校", r[i-1]))) {
			last = i
		}
		if strings.ContainsRune("路街巷弄号", c) {
			break
		}
	}
	return string(r[last+1:])
}
