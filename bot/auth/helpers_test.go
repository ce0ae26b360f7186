package auth

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/intake"
	"tapline/bot/policy"
	"tapline/bot/redisstore/redistest"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

type nopEnq struct{}

func (nopEnq) Enqueue(context.Context, ...uint64) error { return nil }

// env is a Desk on a fresh database and Redis prefix, with the real
// casework and intake services.
type env struct {
	desk *Desk
	db   *store.DB
	rdb  *redis.Client
	pol  *policy.Policy
	work *casework.Service
	in   *intake.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	pol, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	rdb, prefix := redistest.New(t)
	log := slog.New(slog.DiscardHandler)
	clock := bot.SystemClock{}
	work := casework.New(pol, db, db, nopEnq{}, clock, log)
	in := intake.New(pol, db, nopEnq{}, clock, log)
	d := &Desk{
		Policy: pol, Sessions: NewSessions(rdb, prefix, time.Hour), Links: NewLinks(rdb, prefix),
		Passwords: NewPasswords(db, rdb, prefix, bcrypt.MinCost), Tokens: NewTokens(db, pol, time.Now),
		Guard: NewGuard(pol, db, db, db, log), Actions: NewActions(work, pol, db, db),
		Intake: in, Counter: db, Clock: time.Now,
	}
	return &env{desk: d, db: db, rdb: rdb, pol: pol, work: work, in: in}
}

// person returns the principal of a roster ID.
func (e *env) person(t *testing.T, id string) Principal {
	t.Helper()
	st := e.pol.Staff(id)
	if st == nil {
		t.Fatalf("%s not in the roster", id)
	}
	return principalOf(st, ViaSession)
}

// file files a phone complaint about water quality (department quality)
// at the hotline.
func (e *env) file(t *testing.T, key, phone, address string) *models.Case {
	t.Helper()
	res, err := e.in.FileStaff(context.Background(), intake.Operator{ID: "hotline.crew", Role: "crew", Dept: "hotline", Channel: "console"},
		intake.StaffCase{Source: models.SourcePhone, Name: "张三丰", Phone: phone, Address: address,
			Details: "自来水发黄有异味", Expectation: "尽快检测", Key: key, Confirm: true})
	if err != nil || res.Case == nil {
		t.Fatalf("file: %+v %v", res, err)
	}
	return res.Case
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := models.ErrorCode(err); got != code {
		t.Fatalf("error code %q, want %q (%v)", got, code, err)
	}
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }
