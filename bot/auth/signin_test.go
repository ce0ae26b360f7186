package auth

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tapline/models"
)

func TestSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sess, err := e.desk.Sessions.Create(ctx, "hotline.crew", MethodPassword)
	if err != nil || len(sess.ID) < 40 || len(sess.CSRF) < 30 {
		t.Fatalf("create: %+v %v", sess, err)
	}
	p, got, err := e.desk.SessionPrincipal(ctx, sess.ID)
	if err != nil || p.StaffID != "hotline.crew" || p.Department != "hotline" || got.CSRF != sess.CSRF {
		t.Fatalf("principal: %+v %+v %v", p, got, err)
	}
	// Redis holds the session under the ID's digest only, with a TTL.
	keys, _ := e.rdb.Keys(ctx, "*session:*").Result()
	for _, k := range keys {
		if strings.Contains(k, sess.ID) {
			t.Fatalf("session ID stored in clear: %s", k)
		}
	}
	if ttl := e.rdb.TTL(ctx, e.desk.Sessions.prefix+Digest(sess.ID)).Val(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("ttl %v", ttl)
	}
	if !CSRFValid(got, sess.CSRF) || CSRFValid(got, "") || CSRFValid(got, sess.CSRF+"x") || CSRFValid(nil, sess.CSRF) {
		t.Fatal("CSRF comparison wrong")
	}
	if err := e.desk.Sessions.Delete(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.desk.SessionPrincipal(ctx, sess.ID)
	wantCode(t, err, models.ENOTFOUND)
	_, _, err = e.desk.SessionPrincipal(ctx, strings.Repeat("x", 500))
	wantCode(t, err, models.ENOTFOUND)
}

func TestLinksAreOneTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	token, err := e.desk.Links.Issue(ctx, "quality.crew")
	if err != nil {
		t.Fatal(err)
	}
	if ttl := e.rdb.TTL(ctx, e.desk.Links.prefix+Digest(token)).Val(); ttl <= 9*time.Minute || ttl > LinkTTL {
		t.Fatalf("link ttl %v, want 10 minutes", ttl)
	}
	sess, err := e.desk.SignInLink(ctx, token)
	if err != nil || sess.StaffID != "quality.crew" || sess.Method != MethodLink {
		t.Fatalf("sign in: %+v %v", sess, err)
	}
	_, err = e.desk.SignInLink(ctx, token)
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "已经使用过") {
		t.Fatalf("reuse: %v", err)
	}
	_, err = e.desk.SignInLink(ctx, "no-such-token")
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "已过期") {
		t.Fatalf("unknown: %v", err)
	}
	// An expired link: Redis dropped the key.
	old, _ := e.desk.Links.Issue(ctx, "quality.crew")
	e.rdb.Del(ctx, e.desk.Links.prefix+Digest(old))
	if _, err = e.desk.SignInLink(ctx, old); !strings.Contains(models.ErrorMessage(err), "已过期") {
		t.Fatalf("expired: %v", err)
	}
}

func TestLinkRedeemedOnceUnderRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	token, _ := e.desk.Links.Issue(ctx, "quality.crew")
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.desk.SignInLink(ctx, token); err == nil {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d sign-ins with one link", wins.Load())
	}
}

func TestPasswordsRateLimited(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	wantCode(t, e.desk.Passwords.Set(ctx, "hotline.crew", "short"), models.EINVALID)
	if err := e.desk.Passwords.Set(ctx, "hotline.crew", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	a, _ := e.db.FindAccount(ctx, "hotline.crew")
	if !strings.HasPrefix(a.PasswordHash, "$2a$") {
		t.Fatalf("not a bcrypt hash: %q", a.PasswordHash)
	}
	if _, err := e.desk.SignInPassword(ctx, "hotline.crew", "correct horse battery", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	_, unknown := e.desk.SignInPassword(ctx, "nobody", "whatever-password", "10.0.0.1")
	_, wrong := e.desk.SignInPassword(ctx, "hotline.crew", "wrong password!", "10.0.0.1")
	if models.ErrorMessage(unknown) != models.ErrorMessage(wrong) || models.ErrorCode(wrong) != models.EINVALID {
		t.Fatalf("unknown ID and wrong password answer differently: %v / %v", unknown, wrong)
	}
	for range MaxFailsPerID - 1 {
		_, _ = e.desk.SignInPassword(ctx, "hotline.crew", "wrong password!", "10.0.0.2")
	}
	_, err := e.desk.SignInPassword(ctx, "hotline.crew", "correct horse battery", "10.0.0.3")
	if models.ErrorCode(err) != models.EFORBIDDEN || !strings.Contains(models.ErrorMessage(err), "次数过多") {
		t.Fatalf("after %d failures the right password still signs in: %v", MaxFailsPerID, err)
	}
	// Another person is not locked out by it; one address trying many IDs is.
	if err := e.desk.Passwords.Set(ctx, "office.crew", "another good one"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.SignInPassword(ctx, "office.crew", "another good one", "10.0.0.9"); err != nil {
		t.Fatalf("other person: %v", err)
	}
	for i := range MaxFailsPerIP {
		_, _ = e.desk.SignInPassword(ctx, "x"+string(rune('a'+i)), "nope-nope-nope", "10.0.0.66")
	}
	_, err = e.desk.SignInPassword(ctx, "office.crew", "another good one", "10.0.0.66")
	wantCode(t, err, models.EFORBIDDEN)
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, bad := range []TokenSpec{
		{Name: "", Role: "crew", Department: "hotline"},
		{Name: "x", Role: "boss"},
		{Name: "x", Role: "crew", Department: "nowhere"},
		{Name: "x", Role: "leader", Department: "hotline"},
		{Name: "x", StaffID: "nobody"},
	} {
		if _, _, err := e.desk.Tokens.Create(ctx, bad, "admin"); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
	plain, rec, err := e.desk.Tokens.Create(ctx, TokenSpec{Name: "crm", Role: "crew", Department: "quality"}, "admin")
	if err != nil || !strings.HasPrefix(plain, TokenPrefix) || rec.Hash != Digest(plain) || strings.Contains(rec.Hash, plain) {
		t.Fatalf("create: %q %+v %v", plain, rec, err)
	}
	p, err := e.desk.Tokens.Authenticate(ctx, plain)
	if err != nil || p.Via != ViaToken || p.Department != "quality" || p.StaffID != "" || p.Reader() != "token:"+itoa(rec.ID) {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	person, _, _ := e.desk.Tokens.Create(ctx, TokenSpec{Name: "head bot", StaffID: "supply.head"}, "admin")
	if p, err := e.desk.Tokens.Authenticate(ctx, person); err != nil || p.StaffID != "supply.head" || p.Role != "head" {
		t.Fatalf("person token: %+v %v", p, err)
	}
	if err := e.desk.Tokens.Revoke(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.desk.Tokens.Authenticate(ctx, plain)
	if models.ErrorCode(err) != models.EFORBIDDEN || !strings.Contains(models.ErrorMessage(err), "revoked") {
		t.Fatalf("revoked token: %v", err)
	}
	_, err = e.desk.Tokens.Authenticate(ctx, TokenPrefix+"guess")
	wantCode(t, err, models.EFORBIDDEN)
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
