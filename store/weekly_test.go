package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/weekly"
)

func TestScheduleDueClaimOnce(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	next := now.Add(time.Hour)
	if err := s.SetSchedule(ctx, "T1", "C1", prio.Actor{ID: "U1"}, "monday 09:00 Europe/Berlin", next); err != nil {
		t.Fatal(err)
	}
	sched, at, err := s.Schedule(ctx, "T1", "C1")
	if err != nil || sched != "monday 09:00 Europe/Berlin" || !at.Equal(next) {
		t.Fatalf("Schedule = %q %s %v", sched, at, err)
	}
	if due, _ := s.DueSummaries(ctx, now, 100); len(due) != 0 {
		t.Errorf("due early: %v", due)
	}
	due, err := s.DueSummaries(ctx, next, 100)
	if err != nil || len(due) != 1 || due[0].Channel != "C1" {
		t.Fatalf("due = %v %v", due, err)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if c, err := s.ClaimSummary(ctx, "T1", "C1", "2026-W48", next); err == nil && c == weekly.ClaimMine {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d replicas claimed the same week's summary", wins.Load())
	}
	// The poster died: after ten minutes another may take over; once done, nobody.
	if c, _ := s.ClaimSummary(ctx, "T1", "C1", "2026-W48", next.Add(9*time.Minute)); c != weekly.ClaimHeld {
		t.Errorf("a fresh claim was taken over: %v", c)
	}
	if c, _ := s.ClaimSummary(ctx, "T1", "C1", "2026-W48", next.Add(11*time.Minute)); c != weekly.ClaimMine {
		t.Errorf("a stale claim was not taken over: %v", c)
	}
	if err := s.SummaryPosted(ctx, "T1", "C1", "2026-W48", true, map[string]any{"week": "2026-W48"}, next); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimSummary(ctx, "T1", "C1", "2026-W48", next.Add(time.Hour)); c != weekly.ClaimDone {
		t.Errorf("a posted summary was claimed again: %v", c)
	}
	// A failed post gives the claim back at once.
	if c, _ := s.ClaimSummary(ctx, "T1", "C1", "2026-W49", next); c != weekly.ClaimMine {
		t.Fatal("no claim")
	}
	if err := s.ReleaseSummary(ctx, "T1", "C1", "2026-W49", next); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimSummary(ctx, "T1", "C1", "2026-W49", next.Add(time.Second)); c != weekly.ClaimMine {
		t.Errorf("a released claim was not free: %v", c)
	}
	later := next.Add(7 * 24 * time.Hour)
	if err := s.Reschedule(ctx, due[0], later); err != nil {
		t.Fatal(err)
	}
	if err := s.Reschedule(ctx, due[0], later.Add(time.Hour)); err != nil { // a second replica: no effect
		t.Fatal(err)
	}
	if _, at, _ := s.Schedule(ctx, "T1", "C1"); !at.Equal(later) {
		t.Errorf("rescheduled to %s, want %s", at, later)
	}
	if err := s.SetSchedule(ctx, "T1", "C1", prio.Actor{ID: "U1"}, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if sched, _, _ := s.Schedule(ctx, "T1", "C1"); sched != "" {
		t.Errorf("schedule after off = %q", sched)
	}
	if err := s.Reschedule(ctx, due[0], later); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueSummaries(ctx, later.Add(time.Hour), 100); len(due) != 0 {
		t.Errorf("a schedule turned off came back: %v", due)
	}
}

func TestSnapshotsGiveMovement(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	if before, err := s.Snapshot(ctx, "T1", "C1", "2026-W47", []int64{4, 9, 2}); err != nil || before != nil {
		t.Fatalf("first snapshot: %v %v", before, err)
	}
	before, err := s.Snapshot(ctx, "T1", "C1", "2026-W48", []int64{9, 4, 7})
	if diff := cmp.Diff(map[int64]int64{4: 1, 9: 2, 2: 3}, before); diff != "" || err != nil {
		t.Errorf("previous ranks (-want +got):\n%s %v", diff, err)
	}
	// A second summary in the same week still compares with the week before.
	before, _ = s.Snapshot(ctx, "T1", "C1", "2026-W48", []int64{9, 4})
	if diff := cmp.Diff(map[int64]int64{4: 1, 9: 2, 2: 3}, before); diff != "" {
		t.Errorf("same-week summary compares with (-want +got):\n%s", diff)
	}
}

func TestActivityLog(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "one", "two", "three")
	score(t, s, 2, 8, 2)
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 3, prio.Actor{ID: "U1"}, prio.StatusDeclined, "no", prio.OpenStatuses, now); err != nil {
		t.Fatal(err)
	}
	sub, scored, moved, err := s.Activity(ctx, "T1", "C1", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(sub) != 3 || fmt.Sprint(scored) != "[2]" || fmt.Sprint(moved) != "[3]" {
		t.Errorf("activity: submitted %v scored %v moved %v", sub, scored, moved)
	}
	if sub, _, _, _ := s.Activity(ctx, "T1", "C1", now.Add(time.Hour)); len(sub) != 0 {
		t.Errorf("activity after the window: %v", sub)
	}
}
