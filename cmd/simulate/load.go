package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"tapline/cmd/internal/baseline"
)

// loadOptions are the flags of "simulate load".
type loadOptions struct {
	residents        int
	duration, warmup time.Duration
	mysqlDSN         string
	redisAddr        string
	redisDB          int
	backend          string
	serverBin        string
	configs          string
	baselines        bool
	strict           bool
}

// backend is where one pass of the run keeps its data.
type backend struct {
	name      string // "real" or "embedded"
	mysqlDSN  string // a fresh database of this run; "" when embedded
	redisAddr string
	redisDB   int
	dir       string // the server's data_dir (and the baselines' SQLite)
}

func parseLoad(args []string, getenv func(string) string) (loadOptions, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	o := loadOptions{}
	fs.IntVar(&o.residents, "residents", 32, "concurrent residents")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per target")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "warm-up per target, not measured (errors still count)")
	fs.StringVar(&o.mysqlDSN, "mysql", getenv("MYSQL_DSN"), "MariaDB/MySQL DSN; the run creates and drops its own database on that server (env MYSQL_DSN)")
	fs.StringVar(&o.redisAddr, "redis", getenv("REDIS_ADDR"), "Redis address (env REDIS_ADDR)")
	fs.IntVar(&o.redisDB, "redis-db", 0, "Redis database number")
	fs.StringVar(&o.backend, "backend", "", "real, embedded or both (default: both when -mysql and -redis are given, else embedded)")
	fs.StringVar(&o.serverBin, "server-bin", "", "server binary (default: go build tapline/cmd/server)")
	fs.StringVar(&o.configs, "configs", "configs", "folder holding policy.yaml and dialog.yaml")
	fs.BoolVar(&o.baselines, "baselines", true, "measure the four baselines too")
	fs.BoolVar(&o.strict, "strict", false, "exit non-zero when a performance target is missed")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	real := o.mysqlDSN != "" && o.redisAddr != ""
	switch o.backend {
	case "":
		o.backend = map[bool]string{true: "both", false: "embedded"}[real]
	case "real", "both":
		if !real {
			return o, errors.New("load: -backend " + o.backend + " needs -mysql and -redis")
		}
	case "embedded":
	default:
		return o, errors.New("load: -backend is real, embedded or both")
	}
	if o.residents < 1 || o.duration <= 0 {
		return o, errors.New("load: -residents and -duration must be positive")
	}
	return o, nil
}

// runLoad is "simulate load": it measures the baselines and Tapline on each
// backend and prints the report. It fails on errors or a case count that
// does not match; a missed performance target fails only with -strict.
func runLoad(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseLoad(args, os.Getenv)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "tapline-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.serverBin == "" {
		fmt.Fprintln(out, "building tapline/cmd/server …")
		if o.serverBin, err = buildServer(ctx, tmp); err != nil {
			return err
		}
	}
	var reports []*report
	for _, name := range map[string][]string{"real": {"real"}, "embedded": {"embedded"}, "both": {"real", "embedded"}}[o.backend] {
		r, err := runBackend(ctx, o, name, filepath.Join(tmp, name))
		if err != nil {
			return err
		}
		r.print(out)
		reports = append(reports, r)
	}
	if len(reports) == 2 {
		compareBackends(out, reports[0], reports[1])
	}
	return verdict(reports, o.strict)
}

// verdict turns the reports into the command's exit status.
func verdict(reports []*report, strict bool) error {
	for _, r := range reports {
		if r.failed() {
			return fmt.Errorf("load (%s): errors or a case count mismatch, see the report", r.backend)
		}
		if strict && !r.targetsMet() {
			return fmt.Errorf("load (%s): a performance target was missed", r.backend)
		}
	}
	return nil
}

// runBackend measures the baselines, then Tapline, on one backend.
func runBackend(ctx context.Context, o loadOptions, name, dir string) (*report, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	run := randomHex(4)
	b := backend{name: name, dir: dir}
	if name == "real" {
		dsn, drop, err := createDatabase(ctx, o.mysqlDSN, "tapline_load_"+run)
		if err != nil {
			return nil, err
		}
		defer drop()
		b.mysqlDSN, b.redisAddr, b.redisDB = dsn, o.redisAddr, o.redisDB
		defer cleanRedis(o.redisAddr, o.redisDB, run)
	}
	creds := wechatCreds{appID: "wxload" + randomHex(6), token: randomHex(16), aesKey: aesKey43()}
	r := &report{backend: name, conc: o.residents, duration: o.duration, warmup: o.warmup}
	if o.baselines {
		for _, k := range baseline.Kinds {
			p, err := measureBaseline(ctx, o, b, creds, k, run)
			if err != nil {
				return nil, err
			}
			r.baselines = append(r.baselines, p)
		}
	}
	p, f, err := measureTapline(ctx, o, b, creds, run)
	if err != nil {
		return nil, err
	}
	r.tapline = p
	if r.check, err = checkCases(ctx, b, f); err != nil {
		return nil, err
	}
	return r, nil
}

func measureBaseline(ctx context.Context, o loadOptions, b backend, creds wechatCreds, k baseline.Kind, run string) (*phase, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"baseline", "-kind", strconv.Itoa(int(k)), "-appid", creds.appID, "-token", creds.token,
		"-aeskey", creds.aesKey, "-prefix", "tapline-baseline:" + run + ":", "-dir", b.dir,
		"-mysql", b.mysqlDSN, "-redis", b.redisAddr, "-redis-db", strconv.Itoa(b.redisDB)}
	c, err := startChild(ctx, self, args, childEnviron(childEnv+"=1"))
	if err != nil {
		return nil, err
	}
	defer c.stop()
	client := creds.client(c.URL, httpClient(o.residents))
	rec, elapsed := runPhase(ctx, o.residents, o.warmup, o.duration, echoWorker(client, run))
	return &phase{name: k.String(), elapsed: elapsed, rec: rec, rssMB: c.peakRSSMB()}, nil
}

func measureTapline(ctx context.Context, o loadOptions, b backend, creds wechatCreds, run string) (*phase, *filings, error) {
	texts, err := textsIn(o.configs)
	if err != nil {
		return nil, nil, err
	}
	env := childEnviron("HTTP_ADDR=127.0.0.1:0", "TAPLINE_METRICS_ADDR=127.0.0.1:0", "TAPLINE_DATA_DIR="+b.dir,
		"TAPLINE_POLICY_FILE="+filepath.Join(o.configs, "policy.yaml"),
		"TAPLINE_DIALOG_FILE="+filepath.Join(o.configs, "dialog.yaml"),
		"TAPLINE_WECHAT_TOKEN="+creds.token, "TAPLINE_WECHAT_APP_ID="+creds.appID,
		"TAPLINE_WECHAT_ENCODING_AES_KEY="+creds.aesKey, "TAPLINE_ADMIN_TOKEN="+randomHex(20))
	if b.mysqlDSN != "" {
		env = append(env, "MYSQL_DSN="+b.mysqlDSN, "REDIS_ADDR="+b.redisAddr, "TAPLINE_REDIS_DB="+strconv.Itoa(b.redisDB))
	}
	c, err := startChild(ctx, o.serverBin, nil, env)
	if err != nil {
		return nil, nil, err
	}
	f := newFilings()
	client := creds.client(c.URL, httpClient(o.residents))
	w := &work{}
	startCPU := make(chan map[string]time.Duration, 1)
	time.AfterFunc(o.warmup, func() { startCPU <- cpuNow(c.cmd.Process.Pid, b.mysqlDSN != "") })
	rec, elapsed := runPhase(ctx, o.residents, o.warmup, o.duration, dialogWorker(client, run, f, texts))
	w.measure(<-startCPU, cpuNow(c.cmd.Process.Pid, b.mysqlDSN != ""), rec)
	if err := probeTrips(ctx, client, c.metricsURL(), run, texts, f, w); err != nil {
		c.stop()
		return nil, nil, err
	}
	rss := c.peakRSSMB()
	c.stop() // before the check: SQLite is read after the server closed it
	return &phase{name: "Tapline", elapsed: elapsed, rec: rec, rssMB: rss, logErrs: c.errorLines(), work: w}, f, nil
}
