package dialog

import (
	"strings"
	"unicode"
)

// Address markers. Place markers name a road, an estate or an area and
// count on their own ("幸福路", "阳光小区"); unit markers count only after
// a number ("12号", "3栋", "2单元", "5楼").
var (
	placeMarkers = []string{"十字路口", "丁字路口", "交叉口", "交汇处", "交界处", "路口", "小区", "花园", "新村", "社区", "公寓", "大厦", "广场", "家园", "山庄", "大道",
		"省", "市", "区", "县", "镇", "乡", "村", "路", "街", "巷", "弄", "苑", "园"}
	unitMarkers = []string{"单元", "号楼", "号", "栋", "幢", "座", "室", "楼", "层", "组", "期", "排", "弄"}
	// addrStops end the walk back from a marker: the word before them is
	// not part of the address ("我家在|幸福路").
	addrStops = "在住是址于到我们的从去往靠近说叫:"
	// genericPlaces make a place marker generic, not an address ("整个小区").
	genericPlaces = []string{"整个", "整条", "这个", "那个", "这条", "那条", "这", "那", "全", "附近", "隔壁",
		"对面", "本", "该", "哪", "马", "一条", "公", "水", "地", "片", "城", "超", "农", "街", "社", "小"}
	// addrLeads are words residents put before an address.
	addrLeads = []string{"我们家", "我家住在", "我家在", "我家住", "我家", "俺家", "家住在", "家住", "住在", "我住在",
		"我住", "住址是", "住址", "地址是", "地址", "位于", "你们", "咱们", "在", "住", "是", "就", ":", "家"}
	cnDigits = "0123456789一二三四五六七八九十百零两"
)

// markerAt returns the marker starting at rune index i of r and whether it
// is a place marker; unit markers need a number before them.
func markerAt(r []rune, i int) (string, bool) {
	for _, m := range placeMarkers {
		if hasRunesAt(r, i, m) {
			return m, true
		}
	}
	if i > 0 && strings.ContainsRune(cnDigits, r[i-1]) {
		for _, m := range unitMarkers {
			if hasRunesAt(r, i, m) {
				return m, false
			}
		}
	}
	return "", false
}

func hasRunesAt(r []rune, i int, m string) bool {
	for _, c := range m {
		if i >= len(r) || r[i] != c {
			return false
		}
		i++
	}
	return true
}

func isAddrRune(c rune) bool {
	return unicode.Is(unicode.Han, c) || unicode.IsDigit(c) || (c < 128 && unicode.IsLetter(c)) || strings.ContainsRune("-#'’", c)
}

// findAddress returns the rune span of the first plausible address in
// normalised text r: a place name ending in a place marker ("幸福路") or a
// run of numbered units ("3栋2单元"), followed by further numbered units.
func findAddress(r []rune) (start, end int, ok bool) {
	for i := 0; i < len(r); i++ {
		m, place := markerAt(r, i)
		if m == "" {
			continue
		}
		start = walkBack(r, i)
		end, units := walkForward(r, i)
		if place && !genericPlace(r[start:i]) && i-start >= 2 {
			return start, end, end-start >= 4 || hasDigit(string(r[start:end]))
		}
		if !place && units >= 2 {
			return start, end, true
		}
		i += len([]rune(m)) - 1
	}
	return 0, 0, false
}

// walkBack returns where the name before the marker at i starts.
func walkBack(r []rune, i int) int {
	j := i
	for j > 0 && i-j < 12 && isAddrRune(r[j-1]) && !strings.ContainsRune(addrStops, r[j-1]) {
		j--
	}
	for {
		k := stripLead(r[j:i])
		if k == 0 {
			return j
		}
		j += k
	}
}

// stripLead returns how many runes of a lead word ("我家", "住") begin r.
func stripLead(r []rune) int {
	s := string(r)
	for _, l := range addrLeads {
		if strings.HasPrefix(s, l) && !(l == "家" && strings.HasPrefix(s, "家园")) {
			return len([]rune(l))
		}
	}
	return 0
}

// walkForward extends the address past the marker at i over further
// markers and numbers; it returns the end and the count of unit markers.
// A number right after the last marker that ends the address is kept as
// the room number ("2单元301").
func walkForward(r []rune, i int) (end, units int) {
	end = i
	for k := i; k < len(r) && k-i < 40 && isAddrRune(r[k]); {
		if sfx := suffixAt(r, k); sfx > 0 && k == end {
			k += sfx
			end = k
			continue
		}
		if m, place := markerAt(r, k); m != "" {
			k += len([]rune(m))
			end = k
			if !place {
				units++
			}
			continue
		}
		if unicode.IsDigit(r[k]) && k == end {
			j := k
			for j < len(r) && (unicode.IsDigit(r[j]) || r[j] == '-') {
				j++
			}
			next, _ := markerAt(r, j)
			switch {
			case j == len(r) || !isAddrRune(r[j]):
				return j, units
			case next == "" && j-k >= 3:
				return j, units // "2单元301水管坏了"
			}
			k = j
			continue
		}
		k++
	}
	return end, units
}

func genericPlace(name []rune) bool {
	s := string(name)
	for _, g := range genericPlaces {
		if strings.HasPrefix(s, g) {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	return strings.ContainsFunc(s, unicode.IsDigit)
}

// hasAnyMarker reports whether s holds any address marker at all.
func hasAnyMarker(s string) bool {
	for _, m := range append(placeMarkers, unitMarkers...) {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// roadMarkers and crossingMarkers recognise an intersection ("人民路与解放路
// 交叉口东北角"): two roads and a crossing word locate a burst main as well
// as a house number does.
var (
	roadMarkers     = []string{"路", "街", "大道", "巷", "道"}
	crossingMarkers = []string{"交叉口", "十字路口", "丁字路口", "路口", "交汇处", "交界处", "岔口", "交叉", "交汇", "交界", "靠近"}
)

// isIntersection reports whether s names a crossing of two roads.
func isIntersection(s string) bool {
	if !containsAny(s, crossingMarkers) {
		return false
	}
	roads := 0
	for _, m := range roadMarkers {
		roads += strings.Count(s, m)
	}
	return roads >= 2
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
