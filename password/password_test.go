package password

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("demo", Default())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	if ok, err := Verify("demo", h); err != nil || !ok {
		t.Fatalf("Verify(right password) = %v, %v", ok, err)
	}
	if ok, err := Verify("Demo", h); err != nil || ok {
		t.Fatalf("Verify(wrong password) = %v, %v", ok, err)
	}
	h2, _ := Hash("demo", Default())
	if h == h2 {
		t.Fatal("two hashes of one password share a salt")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=1$!!$a2V5"} {
		if _, err := Verify("demo", h); err != ErrMalformed {
			t.Errorf("Verify(%q) error = %v, want ErrMalformed", h, err)
		}
	}
}
