package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestTrustedProxiesFlag(t *testing.T) {
	var p prefixList
	if err := p.Set("10.0.0.0/8, 192.0.2.7,2001:db8::/32,10.1.2.3/16"); err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "10.0.0.0/8,192.0.2.7/32,2001:db8::/32,10.1.0.0/16" {
		t.Errorf("parsed = %s", got)
	}
	if err := p.Set(""); err != nil || len(p) != 0 {
		t.Errorf("empty = %v, %v", p, err)
	}
	if err := p.Set("10.0.0.0/8,proxy.example"); err == nil {
		t.Error("a name was taken for an address")
	}
	// Both the flag and the environment are read, and a bad value stops serve and demo.
	for _, cmd := range []string{"serve", "demo"} {
		err := run(context.Background(), []string{cmd, "--db", "x.db", "--trusted-proxies", "nope"}, env(nil), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("%s --trusted-proxies nope: %v", cmd, err)
		}
		err = run(context.Background(), []string{cmd, "--db", "x.db"}, env(map[string]string{"SOTEPE_TRUSTED_PROXIES": "10.0.0.0/99"}), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "SOTEPE_TRUSTED_PROXIES") {
			t.Errorf("%s with SOTEPE_TRUSTED_PROXIES=10.0.0.0/99: %v", cmd, err)
		}
	}
}
