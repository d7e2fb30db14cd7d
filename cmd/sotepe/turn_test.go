package main

import (
	"testing"
)

func TestTurnConfig(t *testing.T) {
	off, err := turnConfig("", "", "", false)
	if err != nil || off.Addr != "" {
		t.Fatalf("without --turn-addr: %+v, %v", off, err)
	}
	c, err := turnConfig("127.0.0.1:3478", "", "s", false)
	if err != nil || c.PublicIP.String() != "127.0.0.1" || c.Secret != "s" {
		t.Fatalf("the address's host is the public IP: %+v, %v", c, err)
	}
	c, err = turnConfig(":3478", "192.0.2.10", "s", false)
	if err != nil || c.PublicIP.String() != "192.0.2.10" {
		t.Fatalf("--turn-public-ip: %+v, %v", c, err)
	}
	for _, bad := range [][3]string{{":3478", "", "s"}, {"0.0.0.0:3478", "", "s"}, {":3478", "turn.example", "s"}, {"3478", "192.0.2.10", "s"}, {":3478", "192.0.2.10", ""}} {
		if _, err := turnConfig(bad[0], bad[1], bad[2], false); err == nil {
			t.Errorf("turnConfig(%q) passed", bad)
		}
	}
	// A demo makes up its secret.
	if c, err := turnConfig(":3478", "192.0.2.10", "", true); err != nil || len(c.Secret) < 20 {
		t.Fatalf("the demo's secret: %+v, %v", c, err)
	}
}
