package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestMain lets the load driver re-execute this test binary as a baseline
// child process, as it does the simulate binary.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" && len(os.Args) > 1 && os.Args[1] == "baseline" {
		if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var casesLine = regexp.MustCompile(`cases: (\d+) residents confirmed, (\d+) told a number, (\d+) cases in the database, 0 duplicates, 0 lost, 0 stray`)

// TestLoadSmoke runs the whole driver briefly on the embedded default (the
// figures are the README's business; here only correctness counts): no
// errors, and the database holds exactly the cases residents were told.
func TestLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	var out bytes.Buffer
	err := runLoad(context.Background(), []string{"-backend", "embedded", "-residents", "4",
		"-duration", "1s", "-warmup", "300ms", "-configs", "../../configs"}, &out)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	m := casesLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no clean case check in the report:\n%s", out.String())
	}
	if told, _ := strconv.Atoi(m[2]); told == 0 || m[2] != m[3] {
		t.Fatalf("told %s numbers, %s cases in the database:\n%s", m[2], m[3], out.String())
	}
	if !regexp.MustCompile(`met    errors: 0;`).MatchString(out.String()) {
		t.Fatalf("errors in the report:\n%s", out.String())
	}
	// Issue 18: the work table, with the round trips the server counted.
	if !regexp.MustCompile(`\| confirm \(files the case\) \| [0-9.]+ \| — \| — \| 0\.0 \| [1-9][0-9.]* \|`).MatchString(out.String()) {
		t.Errorf("no work table with Redis round trips of a filing:\n%s", out.String())
	}
	for _, name := range []string{"(1) bare gin", "(4) (3) + gorm INSERT", "Tapline"} {
		if !bytes.Contains(out.Bytes(), []byte(name)) {
			t.Errorf("report lacks %q:\n%s", name, out.String())
		}
	}
}
