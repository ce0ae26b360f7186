package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"tapline/models"
)

// Issue 13 item 2: parallel wrong guesses are each counted before the
// password is compared, so at most MaxFailsPerID of them are compared and
// the right password after them is refused.
func TestPasswordLimitHoldsUnderParallelGuesses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.desk.Passwords.Set(ctx, "hotline.crew", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	var compared atomic.Int32
	var wg sync.WaitGroup
	for i := range 29 {
		wg.Go(func() {
			_, err := e.desk.SignInPassword(ctx, "hotline.crew", "wrong guess "+itoa(uint64(i)), "10.1.0."+itoa(uint64(i)))
			switch models.ErrorCode(err) {
			case models.EINVALID: // compared and wrong
				compared.Add(1)
			case models.EFORBIDDEN: // refused before comparing
			default:
				t.Errorf("guess %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := compared.Load(); n > MaxFailsPerID {
		t.Fatalf("%d parallel wrong guesses were compared; the limit is %d", n, MaxFailsPerID)
	}
	_, err := e.desk.SignInPassword(ctx, "hotline.crew", "correct horse battery", "10.1.1.1")
	wantCode(t, err, models.EFORBIDDEN)
}

// The same from one address trying many people: at most MaxFailsPerIP
// compared.
func TestAddressLimitHoldsUnderParallelGuesses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.desk.Passwords.Set(ctx, "office.crew", "another good one"); err != nil {
		t.Fatal(err)
	}
	var compared atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			_, err := e.desk.SignInPassword(ctx, "nobody"+itoa(uint64(i)), "nope-nope-nope", "10.2.0.1")
			if models.ErrorCode(err) == models.EINVALID {
				compared.Add(1)
			}
		})
	}
	wg.Wait()
	if n := compared.Load(); n > MaxFailsPerIP {
		t.Fatalf("%d parallel guesses from one address were compared; the limit is %d", n, MaxFailsPerIP)
	}
	_, err := e.desk.SignInPassword(ctx, "office.crew", "another good one", "10.2.0.1")
	wantCode(t, err, models.EFORBIDDEN)
}

// Colleagues behind one office address signing in with the right password
// do not use up the address's budget of wrong ones.
func TestRightPasswordsDoNotExhaustTheAddress(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.desk.Passwords.Set(ctx, "hotline.crew", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	for i := range MaxFailsPerIP + 5 {
		if _, err := e.desk.SignInPassword(ctx, "hotline.crew", "correct horse battery", "10.3.0.1"); err != nil {
			t.Fatalf("sign-in %d: %v", i+1, err)
		}
	}
}
