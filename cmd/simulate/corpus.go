package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tapline/bot/dialog/corpus"
	"tapline/models/store"
)

// corpusOptions are the flags of "simulate corpus".
type corpusOptions struct {
	dir, policy, dialog, mysql, redis, only string
	transcripts, strict                     bool
}

// runCorpus replays the conversation corpus through the resident desk in
// process (the real dialog, filing and casework on SQLite and an in-process
// Redis, or on -mysql and -redis) and prints the dialog report: per-slot
// accuracy, cases filed, bot turns per filing, re-asks, the conversation
// after the filing and every failing conversation. The held-out part of
// the corpus (tag "heldout") is reported on its own as well.
func runCorpus(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseCorpusFlags(args)
	if err != nil {
		return err
	}
	convs, err := corpus.Load(o.dir)
	if err != nil {
		return err
	}
	if o.only != "" {
		convs = filterConvs(convs, func(c *corpus.Conversation) bool { return strings.HasPrefix(c.ID, o.only) })
	}
	desk, cleanup, err := corpusDesk(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()
	results := playCorpus(ctx, desk, convs, randomHex(4))
	all := corpus.Summarise(fmt.Sprintf("all (%s)", o.dir), results)
	all.Print(out, o.transcripts)
	if held := tagged(results, "heldout"); len(held) > 0 {
		fmt.Fprintln(out)
		corpus.Summarise("held out (written after the fixes)", held).Print(out, false)
	}
	if late := tagged(results, "late"); len(late) > 0 {
		fmt.Fprintln(out)
		corpus.Summarise("written last, never tuned on", late).Print(out, false)
	}
	if o.strict && len(all.Missed()) > 0 {
		return fmt.Errorf("corpus: %d target(s) missed", len(all.Missed()))
	}
	return nil
}

func parseCorpusFlags(args []string) (corpusOptions, error) {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	o := corpusOptions{}
	fs.StringVar(&o.dir, "dir", "bot/dialog/testdata/corpus", "directory of corpus YAML files")
	fs.StringVar(&o.policy, "policy", "configs/policy.yaml", "policy file")
	fs.StringVar(&o.dialog, "dialog", "configs/dialog.yaml", "dialog texts")
	fs.StringVar(&o.mysql, "mysql", "", "MySQL/MariaDB DSN (a fresh database is created); default: a temporary SQLite file")
	fs.StringVar(&o.redis, "redis", "", "Redis address; default: in-process")
	fs.StringVar(&o.only, "only", "", "play only conversations whose id starts with this")
	fs.BoolVar(&o.transcripts, "v", false, "print the transcript of each failing conversation")
	fs.BoolVar(&o.strict, "strict", false, "exit 1 when a target is missed")
	return o, fs.Parse(args)
}

// corpusDesk opens the database and Redis of a run and wires the desk.
func corpusDesk(ctx context.Context, o corpusOptions) (*deskStack, func(), error) {
	clock := &stepClock{now: corpusStart}
	cfg := store.Config{Now: clock.Now}
	var drop func()
	if o.mysql != "" {
		dsn, dropDB, err := createDatabase(ctx, o.mysql, "tapline_corpus_"+randomHex(4))
		if err != nil {
			return nil, nil, err
		}
		cfg.MySQLDSN, drop = dsn, dropDB
	} else {
		dir, err := os.MkdirTemp("", "tapline-corpus-")
		if err != nil {
			return nil, nil, err
		}
		cfg.SQLitePath, drop = filepath.Join(dir, "corpus.db"), func() { _ = os.RemoveAll(dir) }
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		drop()
		return nil, nil, err
	}
	rdb, stopRedis, err := corpusRedis(o.redis)
	if err != nil {
		_ = db.Close()
		drop()
		return nil, nil, err
	}
	desk, err := newDeskStack(db, rdb, "tapline-corpus-"+randomHex(4)+":", o.policy, o.dialog, clock)
	cleanup := func() { stopRedis(); _ = db.Close(); drop() }
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return desk, cleanup, nil
}

func corpusRedis(addr string) (redis.UniversalClient, func(), error) {
	if addr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		return rdb, func() { _ = rdb.Close() }, nil
	}
	m, err := miniredis.Run()
	if err != nil {
		return nil, nil, err
	}
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	return rdb, func() { _ = rdb.Close(); m.Close() }, nil
}

func filterConvs(cs []*corpus.Conversation, keep func(*corpus.Conversation) bool) []*corpus.Conversation {
	var out []*corpus.Conversation
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// tagged returns the results of conversations with tag.
func tagged(rs []*corpus.Result, tag string) []*corpus.Result {
	var out []*corpus.Result
	for _, r := range rs {
		if r.Conv.Has(tag) {
			out = append(out, r)
		}
	}
	return out
}
