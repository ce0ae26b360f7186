// Command simulate plays the outside world against a running Tapline
// server. "resident" plays a WeChat resident through real signed (and
// AES-encrypted) webhooks, answering the dialog the way people do — messy,
// with a wrong number and a correction — then prints the filed case and the
// card the department got. "major" plays a burst main reported by three
// households of one estate (one incident, leaders alerted, the leader's
// report to the housing authority and acknowledgement). "case" then plays the whole ordinary case: crew,
// leader and head on the WeCom app, the WeCom smart bot and DingTalk, and the
// resident accepting the measures. "load" measures throughput and latency
// of whole intake dialogs against the real server, side by side with four
// baselines (issue 7), and checks the filed cases in the database.
// "receiver" is an integrator's event receiver that verifies signatures.
// "corpus" replays the conversation corpus through the resident desk in
// process and prints the dialog report (issue 12).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "receiver" {
		return runReceiver(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "load" {
		return runLoad(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "corpus" {
		return runCorpus(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "baseline" && os.Getenv(childEnv) != "" {
		return serveBaseline(ctx, args[1:], out)
	}
	if len(args) == 0 || (args[0] != "resident" && args[0] != "case" && args[0] != "major") {
		return errors.New("usage: simulate resident|case|major [-url URL] [-credentials FILE] [-scenario ordinary|emergency] [-mode aes|plain]\n" +
			"       simulate receiver -secret whsec_… [-addr 127.0.0.1:9090]\n" +
			"       simulate load [-residents 32] [-duration 10s] [-mysql DSN -redis ADDR] [-backend real|embedded|both]\n" +
			"       simulate corpus [-dir bot/dialog/testdata/corpus] [-v] [-only ID] [-mysql DSN] [-redis ADDR] [-strict]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	o := options{}
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "server base URL")
	fs.StringVar(&o.credentials, "credentials", "data/demo-credentials.yaml", "demo credentials written by the server")
	fs.StringVar(&o.scenario, "scenario", "ordinary", "ordinary or emergency")
	fs.StringVar(&o.mode, "mode", "aes", "aes (safe mode) or plain")
	fs.StringVar(&o.openID, "openid", "", "resident OpenID (default: a new random one)")
	fs.StringVar(&o.dialog, "dialog", "configs/dialog.yaml", "the dialog texts, to recognise the server's questions by their key")
	fs.StringVar(&o.policy, "policy", "configs/policy.yaml", "the policy file, to play the staff of the department a case went to")
	fs.DurationVar(&o.wait, "wait", 15*time.Second, "how long to wait for the card to be delivered")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "case":
		return playCase(ctx, o, out)
	case "major":
		return playMajor(ctx, o, out)
	}
	return playResident(ctx, o, out)
}
