package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tapline/bot/wechat"
	"tapline/cmd/internal/baseline"
)

// serveBaseline is the child process the load driver starts for each
// baseline: it serves one baseline on 127.0.0.1:0 and prints where, like
// the server does, until it gets SIGTERM. Without -redis it runs an
// in-process Redis and a SQLite file under -dir (the embedded backends).
func serveBaseline(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	kind := fs.Int("kind", 1, "1 bare gin, 2 OA server, 3 + Redis GET/SET, 4 + gorm INSERT")
	cfg := baseline.Config{}
	fs.StringVar(&cfg.AppID, "appid", "", "WeChat app ID")
	fs.StringVar(&cfg.Token, "token", "", "WeChat token")
	fs.StringVar(&cfg.EncodingAESKey, "aeskey", "", "WeChat EncodingAESKey")
	fs.StringVar(&cfg.KeyPrefix, "prefix", "tapline-baseline:", "Redis key prefix")
	mysqlDSN := fs.String("mysql", "", "MySQL DSN (default: SQLite under -dir)")
	redisAddr := fs.String("redis", "", "Redis address (default: in-process)")
	redisDB := fs.Int("redis-db", 0, "Redis database number")
	dir := fs.String("dir", ".", "directory of the SQLite file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Kind = baseline.Kind(*kind)
	wechat.QuietSDKLogs()
	if *redisAddr == "" {
		m, err := miniredis.Run()
		if err != nil {
			return err
		}
		defer m.Close()
		*redisAddr = m.Addr()
	}
	rdb := redis.NewClient(&redis.Options{Addr: *redisAddr, DB: *redisDB})
	defer rdb.Close()
	cfg.Redis = rdb
	if cfg.Kind == baseline.OARedisInsert {
		db, err := baseline.OpenDB(*mysqlDSN, filepath.Join(*dir, "baseline.db"))
		if err != nil {
			return err
		}
		cfg.DB = db
	}
	h, err := baseline.Handler(cfg)
	if err != nil {
		return err
	}
	return listenAndServe(ctx, h, out)
}

func listenAndServe(ctx context.Context, h http.Handler, out io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintf(out, "baseline listening on http://%s\n", ln.Addr())
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
