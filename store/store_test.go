package store_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/store"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	srv := redistest.Start(t)
	s, err := store.Open(t.Context(), srv.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestCreateIdeaNumbersAreUniquePerTeam(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	const n = 40
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[int64]bool{}
	)
	for i := range n {
		wg.Go(func() {
			channel := []string{"C1", "C2"}[i%2] // one team, two backlogs
			idea, err := prio.NewIdea("T1", channel, "U1", "idea", "", time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			got, _, err := s.CreateIdea(ctx, idea)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if seen[got.Number] {
				t.Errorf("number %d handed out twice", got.Number)
			}
			seen[got.Number] = true
		})
	}
	wg.Wait()
	for i := int64(1); i <= n; i++ {
		if !seen[i] {
			t.Errorf("number %d never handed out; numbers should run 1..%d", i, n)
		}
	}
	other, place, err := s.CreateIdea(ctx, prio.Idea{Team: "T2", Channel: "C1", Title: "x", Status: prio.StatusNew})
	if err != nil {
		t.Fatal(err)
	}
	if other.Number != 1 || place != 1 {
		t.Errorf("another team's first idea got #%d, %d in the queue; want #1, 1st", other.Number, place)
	}
}

func TestAwaitingListsOldestFirstPerChannel(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	created := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		channel, title string
		place          int64
	}{{"C1", "first", 1}, {"C2", "elsewhere", 1}, {"C1", "second", 2}, {"C1", "third", 3}} {
		idea, err := prio.NewIdea("T1", c.channel, "U9", c.title, "why", created)
		if err != nil {
			t.Fatal(err)
		}
		if _, place, err := s.CreateIdea(ctx, idea); err != nil || place != c.place {
			t.Fatalf("CreateIdea(%s) = place %d, %v; want place %d", c.title, place, err, c.place)
		}
	}
	if err := s.SetCardTS(ctx, "T1", "C1", 3, "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	got, total, err := s.Awaiting(ctx, "T1", "C1", 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []prio.Idea{
		{Team: "T1", Channel: "C1", Number: 3, Title: "second", Description: "why", Author: "U9", Status: prio.StatusNew, Created: created, CardTS: "1700000000.000100", Values: map[string]float64{}},
		{Team: "T1", Channel: "C1", Number: 4, Title: "third", Description: "why", Author: "U9", Status: prio.StatusNew, Created: created, Values: map[string]float64{}},
	}
	if diff := cmp.Diff(want, got); diff != "" || total != 3 {
		t.Errorf("Awaiting(offset 1) total %d (want 3), mismatch (-want +got):\n%s", total, diff)
	}
}

func TestFirstDelivery(t *testing.T) {
	s := open(t)
	for i, want := range []bool{true, false, false} {
		got, err := s.FirstDelivery(t.Context(), "T1", "Ev1")
		if err != nil || got != want {
			t.Errorf("delivery %d: FirstDelivery = %v, %v; want %v", i+1, got, err, want)
		}
	}
	if got, _ := s.FirstDelivery(t.Context(), "T2", "Ev1"); !got {
		t.Error("the same event id in another team was taken as a duplicate")
	}
}

func TestOpenUnreachableRedisSaysWhereWithoutPassword(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = store.Open(ctx, "redis://:hunter2secret@"+addr+"/0", store.Options{})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	msg := err.Error()
	if !strings.Contains(msg, "can't reach Redis at") || !strings.Contains(msg, addr) {
		t.Errorf("error %q should say it can't reach Redis at %s", msg, addr)
	}
	if strings.Contains(msg, "hunter2secret") {
		t.Errorf("error %q shows the Redis password", msg)
	}
}

func TestUnavailableIsADomainError(t *testing.T) {
	srv := redistest.Start(t)
	s, err := store.Open(t.Context(), srv.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv.Stop()
	_, _, err = s.CreateIdea(t.Context(), prio.Idea{Team: "T1", Channel: "C1", Title: "x", Status: prio.StatusNew})
	if prio.ErrorCode(err) != prio.Unavailable || !strings.Contains(prio.ErrorMessage(err), "can't reach its database") {
		t.Errorf("CreateIdea with Redis down: code %q message %q; want Unavailable, 'can't reach its database'", prio.ErrorCode(err), prio.ErrorMessage(err))
	}
}

// With REDIS_URL naming a Sentinel, the store follows a failover by itself:
// what the old master had replicated is there, and writes go on.
func TestSentinelFailover(t *testing.T) {
	sen := redistest.StartSentinel(t)
	ctx := t.Context()
	s, err := store.Open(ctx, sen.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	create := func(title string) prio.Idea {
		t.Helper()
		idea, err := prio.NewIdea("T1", "C1", "U1", title, "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := s.CreateIdea(ctx, idea)
		if err != nil {
			t.Fatalf("create %q: %v", title, err)
		}
		return got
	}
	before := create("Before the failover")
	// The replica has it before the master goes.
	master := redis.NewClient(&redis.Options{Addr: sen.Master.Addr})
	if n, err := master.Do(ctx, "WAIT", 1, 5000).Int(); err != nil || n != 1 {
		t.Fatalf("WAIT for the replica: %d, %v", n, err)
	}
	_ = master.Close()

	sen.Master.Stop()
	sen.WaitFailover(t)
	after := create("After the failover")
	if after.Number != before.Number+1 {
		t.Errorf("numbering went from #%d to #%d across the failover", before.Number, after.Number)
	}
	got, _, err := s.Where(ctx, "T1", "C1", before.Number)
	if err != nil || got.Title != "Before the failover" {
		t.Errorf("idea #%d after the failover: %+v, %v", before.Number, got, err)
	}
}
