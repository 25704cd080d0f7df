package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/internal/procstat"
	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

// roundTrips counts what the client sends: one per command, one per pipeline.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// seedRanked fills one backlog with n scored ideas, fast: pipelined writes
// of the same keys the scripts write.
func seedRanked(tb testing.TB, s *Store, team, channel string, n int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for start := 1; start <= n; start += 1000 {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := start; i < start+1000 && i <= n; i++ {
				num := int64(i)
				score := float64(1+rng.IntN(13)) / float64(1+rng.IntN(13))
				p.HSet(ctx, ideaKey(team, channel, num), fNumber, num, fTitle, "Idea "+strconv.Itoa(i), fAuthor, "U1",
					fStatus, "ranked", fCreated, time.Now().UnixMilli(), fScore, strconv.FormatFloat(score, 'f', -1, 64),
					valuePrefix+"value-effort:value", 8, valuePrefix+"value-effort:effort", 3, fRev, 1)
				p.ZAdd(ctx, rankedKey(team, channel), redis.Z{Score: -score, Member: member(num)})
				p.HSet(ctx, titlesKey(team, channel), num, "Idea "+strconv.Itoa(i))
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func openCounted(tb testing.TB) (*Store, *roundTrips) {
	tb.Helper()
	srv := redistest.Start(tb)
	s, err := Open(context.Background(), srv.URL(), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	// Load the script once, as a running bot has (the idea need not exist); then count.
	_, _, _ = s.Where(context.Background(), "T1", "C1", 1)
	c := &roundTrips{}
	s.rdb.AddHook(c)
	return s, c
}

func TestWhereIsOneRoundTrip(t *testing.T) {
	s, c := openCounted(t)
	seedRanked(t, s, "T1", "C1", 2000)
	before := c.n.Load()
	idea, pos, err := s.Where(t.Context(), "T1", "C1", 1234)
	if err != nil || idea.Number != 1234 || pos.Of != 2000 || pos.Place < 1 {
		t.Fatalf("Where: %+v %+v %v", idea, pos, err)
	}
	if n := c.n.Load() - before; n != 1 {
		t.Errorf("Where took %d round trips, want 1", n)
	}
}

// BenchmarkWhere looks up where ideas sit in a backlog of 100,000: it
// reports Redis round trips and this process's CPU time per lookup.
func BenchmarkWhere(b *testing.B) {
	s, c := openCounted(b)
	const ideas = 100_000
	empty := usedMemory(b, s)
	seedRanked(b, s, "T1", "C1", ideas)
	perIdea := float64(usedMemory(b, s)-empty) / ideas
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	before := c.n.Load()
	cpu := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if _, pos, err := s.Where(ctx, "T1", "C1", int64(1+rng.IntN(ideas))); err != nil || pos.Of != ideas {
			b.Fatal(pos, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(c.n.Load()-before)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(procstat.RSSMB("self"), "rss-MB") // the store and its client: ideas stay in Redis
	b.ReportMetric(perIdea, "redis-bytes/idea")
}

// usedMemory is Redis's used_memory (summed over a cluster's nodes).
func usedMemory(tb testing.TB, s *Store) int64 {
	return int64(info(tb, s, "memory", "used_memory"))
}

// redisCPU is the CPU time redis-server has used (summed over a cluster's
// masters).
func redisCPU(tb testing.TB, s *Store) time.Duration {
	secs := info(tb, s, "cpu", "used_cpu_user") + info(tb, s, "cpu", "used_cpu_sys")
	return time.Duration(secs * float64(time.Second))
}

// info sums a field of an INFO section over the nodes.
func info(tb testing.TB, s *Store, section, field string) float64 {
	var total float64
	add := func(info string) {
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				n, _ := strconv.ParseFloat(v, 64)
				total += n
			}
		}
	}
	ctx := context.Background()
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		err := cc.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error {
			info, err := n.Info(ctx, section).Result()
			add(info)
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
		return total
	}
	info, err := s.rdb.Info(ctx, section).Result()
	if err != nil {
		tb.Fatal(err)
	}
	add(info)
	return total
}

// cpuTime is the CPU time this process (not redis-server) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStatusChange moves an idea back and forth between planned and
// in progress: the status script writes the DMs it owes (to the author
// and each supporter; and, with webhooks, one event per endpoint) into
// the outbox itself. Reports Redis round trips, this process's CPU and
// Redis's CPU per change.
func BenchmarkStatusChange(b *testing.B) {
	for _, tc := range []struct{ supporters, hooks int }{{0, 0}, {10, 0}, {10, 2}} {
		b.Run(fmt.Sprintf("supporters=%d/webhooks=%d", tc.supporters, tc.hooks), func(b *testing.B) {
			s, c := openCounted(b)
			ctx := context.Background()
			owner := prio.Actor{ID: "U9", Name: "nine"}
			if _, _, err := s.CreateIdea(ctx, prio.Idea{Team: "T1", Channel: "C1", Title: "Dark mode", Author: "U1", Status: prio.StatusNew, Created: time.Now()}); err != nil {
				b.Fatal(err)
			}
			for i := range tc.supporters {
				if _, _, err := s.ToggleSupport(ctx, "T1", "C1", 1, prio.Actor{ID: fmt.Sprintf("U%d", 100+i)}, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			for i := range tc.hooks {
				if _, _, err := s.AddWebhook(ctx, "T1", "C1", owner, fmt.Sprintf("https://hooks.example.com/%d", i), webhook.NewSecret(), time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			statuses := []prio.Status{prio.StatusPlanned, prio.StatusInProgress}
			before, cpu, rcpu := c.n.Load(), cpuTime(), redisCPU(b, s)
			i := 0
			for b.Loop() {
				if _, _, told, err := s.SetStatus(ctx, "T1", "C1", 1, owner, statuses[i%2], "", prio.OpenStatuses, time.Now()); err != nil || told != tc.supporters+1 {
					b.Fatal(told, err)
				}
				i++
			}
			b.ReportMetric(float64(c.n.Load()-before)/float64(b.N), "roundtrips/op")
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64((redisCPU(b, s)-rcpu).Microseconds())/float64(b.N), "redis-µs/op")
		})
	}
}
