package report

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
)

// errBadFont reports a font file too short or inconsistent to repack.
var errBadFont = errors.New("not a TrueType/OpenType font or collection")

// sfntTable is one table of a font: its directory entry and its bytes.
type sfntTable struct {
	tag, sum uint32
	data     []byte
}

// repackFont returns the first font of b (a font or a .ttc collection) as
// a standalone font whose tables start on four-byte boundaries, in tag
// order. golang.org/x/image's parser insists on both, and the common
// Chinese collections (WenQuanYi, AR PL) break the first rule.
func repackFont(b []byte) ([]byte, error) {
	be := binary.BigEndian
	at := 0
	if len(b) >= 16 && string(b[:4]) == "ttcf" {
		at = int(be.Uint32(b[12:16]))
	}
	if at+12 > len(b) {
		return nil, errBadFont
	}
	version, n := be.Uint32(b[at:]), int(be.Uint16(b[at+4:]))
	if at+12+16*n > len(b) {
		return nil, errBadFont
	}
	tables := make([]sfntTable, n)
	for i := range tables {
		rec := b[at+12+16*i:]
		off, size := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if off < 0 || size < 0 || off+size > len(b) {
			return nil, errBadFont
		}
		tables[i] = sfntTable{tag: be.Uint32(rec), sum: be.Uint32(rec[4:]), data: b[off : off+size]}
	}
	slices.SortFunc(tables, func(x, y sfntTable) int { return cmp.Compare(x.tag, y.tag) })
	return writeFont(version, tables), nil
}

// writeFont lays out a font's header, table directory and padded tables.
func writeFont(version uint32, tables []sfntTable) []byte {
	be := binary.BigEndian
	n := len(tables)
	size := 12 + 16*n
	for _, t := range tables {
		size += (len(t.data) + 3) &^ 3
	}
	out := make([]byte, size)
	pow := 1
	for pow*2 <= n {
		pow *= 2
	}
	be.PutUint32(out, version)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16*pow))
	be.PutUint16(out[8:], uint16(bitsLen(pow)-1))
	be.PutUint16(out[10:], uint16(16*(n-pow)))
	off := 12 + 16*n
	for i, t := range tables {
		rec := out[12+16*i:]
		be.PutUint32(rec, t.tag)
		be.PutUint32(rec[4:], t.sum)
		be.PutUint32(rec[8:], uint32(off))
		be.PutUint32(rec[12:], uint32(len(t.data)))
		copy(out[off:], t.data)
		off += (len(t.data) + 3) &^ 3
	}
	return out
}

// bitsLen is the number of bits needed for x > 0.
func bitsLen(x int) int {
	n := 0
	for ; x > 0; x >>= 1 {
		n++
	}
	return n
}
