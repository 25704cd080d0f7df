package sender_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
	"github.com/priobot/priobot/webhook/sender"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

var update = flag.Bool("update", false, "rewrite ../testdata/idea.updated.json from what is sent")

func TestRefused(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"93.184.216.34", ""},
		{"2606:2800:220:1:248:1893:25c8:1946", ""},
		{"127.0.0.1", "a loopback address"},
		{"127.9.9.9", "a loopback address"},
		{"::1", "a loopback address"},
		{"::ffff:127.0.0.1", "a loopback address"},
		{"10.0.0.1", "a private address"},
		{"172.16.5.4", "a private address"},
		{"192.168.1.1", "a private address"},
		{"fd00:ec2::254", "a private address"},
		{"169.254.169.254", "a link-local address, where cloud metadata services answer"},
		{"fe80::1", "a link-local address, where cloud metadata services answer"},
		{"100.100.100.200", "an address that is not public"},
		{"0.0.0.0", "an address that is not public"},
		{"::", "an address that is not public"},
		{"239.1.2.3", "an address that is not public"},
		{"64:ff9b::7f00:1", "an address that is not public"},
	}
	for _, tt := range tests {
		if got := sender.Refused(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Refused(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

// A resolver that answers what DNS would.
type resolver map[string][]netip.Addr

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestCheck(t *testing.T) {
	dns := resolver{
		"hooks.example.com": {netip.MustParseAddr("93.184.216.34")},
		"sneaky.example":    {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")}, // one private answer is enough
		"meta.example":      {netip.MustParseAddr("169.254.169.254")},
	}
	tests := []struct {
		url          string
		allowPrivate bool
		err          string
	}{
		{"https://hooks.example.com/x", false, ""},
		{"https://sneaky.example/x", false, "“sneaky.example” leads to 10.0.0.7, a private address."},
		{"https://meta.example/x", false, "leads to 169.254.169.254, a link-local address"},
		{"https://meta.example/x", true, ""},
		{"https://127.0.0.1:8443/x", false, "leads to 127.0.0.1, a loopback address"},
		{"https://nowhere.example/x", false, "I could not find the host “nowhere.example”"},
	}
	for _, tt := range tests {
		err := sender.Check(t.Context(), dns, tt.url, tt.allowPrivate)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Check(%s, %v) = %v, want %q", tt.url, tt.allowPrivate, err, tt.err)
		}
	}
}

// The address rule holds at each send, whatever DNS said when the
// endpoint was added: a Sender that allows only public addresses does not
// connect to loopback, even to a URL that was added before.
func TestSenderRefusesPrivateAddressesWhenItConnects(t *testing.T) {
	hit := false
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit = true }))
	defer srv.Close()
	res := sender.New(false).Send(t.Context(), srv.URL, webhook.NewSecret(), "msg_1", time.Now(), []byte(`{}`))
	if res.Err == nil || !strings.Contains(res.Err.Error(), "refused: a loopback address") || hit {
		t.Errorf("a send to loopback: %+v (reached: %v)", res, hit)
	}
}

// What an endpoint receives: the headers Standard Webhooks defines,
// checked with its own library, and the body as the README documents it.
func TestSendSignsTheEvent(t *testing.T) {
	secret := webhook.NewSecret()
	got := make(chan *http.Request, 1)
	bodies := make(chan []byte, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, r.ContentLength)
		_, _ = r.Body.Read(b)
		got <- r
		bodies <- b
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.StartTLS()
	defer srv.Close()
	body, err := webhook.Body("T1", "C1", example())
	if err != nil {
		t.Fatal(err)
	}
	s := sender.New(true)
	s.Trust(srv.Certificate())
	res := s.Send(t.Context(), srv.URL, secret, "msg_T1_C1_7", time.Now(), body)
	if res.Err != nil || res.Status != http.StatusNoContent {
		t.Fatalf("send: %+v", res)
	}
	r, b := <-got, <-bodies
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(b, r.Header); err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	if r.Header.Get("webhook-id") != "msg_T1_C1_7" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.Header)
	}
	other, _ := standardwebhooks.NewWebhook(webhook.NewSecret())
	if other.Verify(b, r.Header) == nil {
		t.Error("another secret verifies the signature")
	}
	if *update {
		var out bytes.Buffer
		_ = json.Indent(&out, b, "", "  ")
		_ = os.WriteFile("../testdata/idea.updated.json", append(out.Bytes(), '\n'), 0o644)
	}
	want, err := os.ReadFile("../testdata/idea.updated.json")
	if err != nil {
		t.Fatal(err)
	}
	var a, c any
	_ = json.Unmarshal(want, &a)
	_ = json.Unmarshal(b, &c)
	if diff := cmp.Diff(a, c); diff != "" {
		t.Errorf("the event differs from testdata/idea.updated.json, which the README shows (-want +got):\n%s", diff)
	}
}

// example is the README's example: bob moves #12 to planned.
func example() outbox.Item {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	return outbox.Item{
		ID: 7, Kind: outbox.Hook, Event: webhook.IdeaUpdated, Change: "status", Idea: 12, From: "ranked", Status: "planned",
		Actor: "bob", ActorID: "U02BOB", At: at.UnixMilli(),
		Snap: &outbox.Snapshot{Supporters: 4, List: "ranked", Place: 3, Of: 17, Goal: "Retention", Idea: prio.Idea{
			Number: 12, Title: "Dark mode", Description: "A dark theme for the web app", Author: "U01ANN", AuthorName: "ann",
			Status: prio.StatusPlanned, Goal: 2, Created: at.Add(-72 * time.Hour), Score: 2.6667, Scored: true,
			Values: map[string]float64{"value-effort:value": 8, "value-effort:effort": 3},
		}},
	}
}
