package store_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/store"
)

func TestParseURL(t *testing.T) {
	type want struct {
		Addrs            []string
		User, Pass, Name string
		DB               int
		TLS              bool
	}
	tests := []struct {
		url  string
		want want
		err  string
	}{
		{url: "redis://localhost:6379/0", want: want{Addrs: []string{"localhost:6379"}}},
		{url: "rediss://:s%40cret@cache.example:6380/2", want: want{Addrs: []string{"cache.example:6380"}, Pass: "s@cret", DB: 2, TLS: true}},
		{url: "redis://bot:pw@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002", want: want{Addrs: []string{"10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"}, User: "bot", Pass: "pw"}},
		{url: "redis://s1:26379,s2:26379?master=mymaster", want: want{Addrs: []string{"s1:26379", "s2:26379"}, Name: "mymaster"}},
		{url: "http://localhost:6379", err: "the scheme must be redis or rediss"},
		{url: "redis://localhost", err: `"localhost" is not host:port`},
		{url: "redis://a:1,b:2/3", err: "a cluster has only database 0"},
		{url: "redis://:topsecret@localhost/x", err: "is not host:port"},
	}
	for _, tt := range tests {
		opt, err := store.ParseURL(tt.url)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseURL(%q) error = %v, want %q", tt.url, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "topsecret") {
				t.Errorf("ParseURL error shows the password: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseURL(%q): %v", tt.url, err)
		}
		got := want{Addrs: opt.Addrs, User: opt.Username, Pass: opt.Password, Name: opt.MasterName, DB: opt.DB, TLS: opt.TLSConfig != nil}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseURL(%q) mismatch (-want +got):\n%s", tt.url, diff)
		}
	}
}
