package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// seedRoadmap puts every 33rd of a seeded backlog's ideas on its roadmap
// (planned, some placed in Now) under one of three goals, as the scripts
// would leave them: 300 of 10,000.
func seedRoadmap(tb testing.TB, s *Store, team, channel string, ideas int) int {
	tb.Helper()
	ctx := context.Background()
	on := 0
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for g := int64(1); g <= 3; g++ {
			p.HSet(ctx, goalsKey(team, channel), g, `{"id":`+string(rune('0'+g))+`,"name":"Goal `+string(rune('0'+g))+`"}`)
		}
		for n := int64(33); n <= int64(ideas); n += 33 {
			placed := ""
			if n%99 == 0 {
				placed = "now"
			}
			p.HSet(ctx, ideaKey(team, channel, n), fStatus, "planned", fPlaced, placed, fGoal, 1+n%3)
			p.ZAdd(ctx, roadmapKey(team, channel), redis.Z{Member: member(n)})
			on++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return on
}

// Reading the roadmap is one Redis round trip, whatever it holds.
func TestRoadmapIsOneRoundTrip(t *testing.T) {
	s, c := openCounted(t)
	seedRanked(t, s, "T1", "C1", 2000)
	on := seedRoadmap(t, s, "T1", "C1", 2000)
	_, _ = s.Roadmap(t.Context(), "T1", "C1", time.Now()) // the script loaded, as in a running bot
	before := c.n.Load()
	snap, err := s.Roadmap(t.Context(), "T1", "C1", time.Now())
	if err != nil || len(snap.Ideas) != on || len(snap.Goals) != 3 {
		t.Fatalf("Roadmap: %d ideas, %d goals, %v", len(snap.Ideas), len(snap.Goals), err)
	}
	if n := c.n.Load() - before; n != 1 {
		t.Errorf("Roadmap took %d round trips, want 1", n)
	}
	if now := snap.Lane(prio.Now); len(now) != on/3 {
		t.Errorf("%d ideas in Now, want %d", len(now), on/3)
	}
}

// BenchmarkRoadmap reads the roadmap of a backlog of 10,000 ideas with 300
// on it: round trips, p99 latency and this process's CPU per read.
func BenchmarkRoadmap(b *testing.B) {
	s, c := openCounted(b)
	seedRanked(b, s, "T1", "C1", 10_000)
	if on := seedRoadmap(b, s, "T1", "C1", 10_000); on != 303 {
		b.Fatalf("%d ideas on the roadmap", on)
	}
	ctx := context.Background()
	_, _ = s.Roadmap(ctx, "T1", "C1", time.Now())
	before := c.n.Load()
	cpu := cpuTime()
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if snap, err := s.Roadmap(ctx, "T1", "C1", time.Now()); err != nil || len(snap.Ideas) != 303 {
			b.Fatal(len(snap.Ideas), err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(c.n.Load()-before)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
}

// A backlog written before there were roadmaps gets its roadmap at the
// first read: its planned and in-progress ideas, and what it shipped.
func TestOldBacklogsGetTheirRoadmap(t *testing.T) {
	s, _ := openCounted(t)
	ctx := t.Context()
	seedRanked(t, s, "T1", "C1", 20)
	shipped := time.Now().Add(-time.Hour)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, ideaKey("T1", "C1", 3), fStatus, "planned")
		p.HSet(ctx, ideaKey("T1", "C1", 4), fStatus, "in-progress")
		p.HSet(ctx, ideaKey("T1", "C1", 5), fStatus, "shipped", fStatusAt, shipped.UnixMilli())
		p.ZRem(ctx, rankedKey("T1", "C1"), member(5))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Roadmap(ctx, "T1", "C1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, idea := range snap.Ideas {
		got = append(got, idea.Number)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int64{3, 4}) || len(snap.Done()) != 1 || snap.Done()[0].Number != 5 {
		t.Errorf("the roadmap of an old backlog: %v, done %v", got, snap.Done())
	}
}
