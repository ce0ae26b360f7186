package store

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The console's search (issue 14) finds a text in a case's number, name,
// address, phone or complaint text.
//
// SQLite: an FTS5 index with the trigram tokenizer (external content,
// kept by triggers), which matches any substring of three or more
// characters; shorter texts (two Chinese characters, a surname) fall back
// to LIKE. MariaDB has no ngram parser (only MySQL has), and its built-in
// full-text parser splits on spaces, which Chinese text has none of: there
// the search is a LIKE '%q%' over the five columns, bounded by the other
// filters and the page's limit.

// numberQuery is a case number or its beginning (TS20261127-0042).
var numberQuery = regexp.MustCompile(`^(?i:ts)[0-9]{4,8}(-[0-9]{0,4})?$`)

// ftsMinRunes is the shortest text the trigram index can match.
const ftsMinRunes = 3

// searchColumns are the columns the search looks in.
var searchColumns = []string{"number", "name", "address", "phone", "details"}

// ftsStatements create the SQLite index and the triggers that keep it.
var ftsStatements = []string{
	`CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5(number, name, address, phone, details,
		content='cases', content_rowid='id', tokenize='trigram')`,
	`CREATE TRIGGER IF NOT EXISTS cases_fts_ai AFTER INSERT ON cases BEGIN
		INSERT INTO cases_fts(rowid, number, name, address, phone, details)
		VALUES (new.id, new.number, new.name, new.address, new.phone, new.details); END`,
	`CREATE TRIGGER IF NOT EXISTS cases_fts_ad AFTER DELETE ON cases BEGIN
		INSERT INTO cases_fts(cases_fts, rowid, number, name, address, phone, details)
		VALUES ('delete', old.id, old.number, old.name, old.address, old.phone, old.details); END`,
	`CREATE TRIGGER IF NOT EXISTS cases_fts_au AFTER UPDATE OF number, name, address, phone, details ON cases BEGIN
		INSERT INTO cases_fts(cases_fts, rowid, number, name, address, phone, details)
		VALUES ('delete', old.id, old.number, old.name, old.address, old.phone, old.details);
		INSERT INTO cases_fts(rowid, number, name, address, phone, details)
		VALUES (new.id, new.number, new.name, new.address, new.phone, new.details); END`,
}

// migrateSearch creates the SQLite search index (filled from the cases
// already there when it is new). Without FTS5 in the driver the search
// stays on LIKE and the failure is logged once.
func (db *DB) migrateSearch(conn *gorm.DB) error {
	if db.dialect != DialectSQLite {
		return nil
	}
	var n int64
	if err := conn.Raw("SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases_fts'").Scan(&n).Error; err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	err := conn.Transaction(func(tx *gorm.DB) error {
		for _, st := range ftsStatements {
			if err := tx.Exec(st).Error; err != nil {
				return err
			}
		}
		if n == 0 {
			return tx.Exec("INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')").Error
		}
		return nil
	})
	if err != nil {
		db.log.Warn("store: no full-text index, search uses LIKE", "err", err)
		return nil
	}
	db.fts = true
	return nil
}

// search keeps the cases whose number, name, address, phone or complaint
// text contains text; a phone typed with spaces, dashes or +86 also
// matches its digits.
func (db *DB) search(q *gorm.DB, text string) *gorm.DB {
	if text == "" {
		return q
	}
	if numberQuery.MatchString(text) {
		// A case number or its beginning: the number's unique index
		// (GLOB and a binary LIKE keep to it; a match-everything "TS2026"
		// through the text index reads every row).
		upper := strings.ToUpper(text)
		if db.dialect == DialectSQLite {
			return q.Where("cases.number GLOB ?", upper+"*")
		}
		return q.Where("cases.number LIKE ?", likeEscaper.Replace(upper)+"%")
	}
	like := "%" + likeEscaper.Replace(text) + "%"
	var conds []string
	var args []any
	if db.fts && utf8.RuneCountInString(text) >= ftsMinRunes {
		conds = append(conds, "cases.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)")
		args = append(args, `"`+strings.ReplaceAll(text, `"`, `""`)+`"`)
	} else {
		for _, col := range searchColumns {
			conds = append(conds, "cases."+col+" LIKE ? ESCAPE '!'")
			args = append(args, like)
		}
	}
	if d := phoneDigits(text); d != "" && d != text {
		conds = append(conds, "cases.phone LIKE ? ESCAPE '!'")
		args = append(args, "%"+d+"%")
	}
	return q.Where("("+strings.Join(conds, " OR ")+")", args...)
}

// phoneDigits returns the digits of text when it reads as (part of) a
// phone number — digits with spaces, dashes, dots, brackets or a leading
// +86 — and has at least three; else "".
func phoneDigits(text string) string {
	t := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(t, "+86"); ok {
		t = rest
	}
	var b strings.Builder
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９': // full-width digits
			b.WriteRune('0' + r - '０')
		case unicode.IsSpace(r) || strings.ContainsRune("-.()（）－", r):
		default:
			return ""
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return b.String()
}
