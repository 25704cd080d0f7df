package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/store"
)

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// seed creates ideas titled by the given strings in T1's C1, authored by U1.
func seed(t *testing.T, s *store.Store, titles ...string) {
	t.Helper()
	for _, title := range titles {
		idea, err := prio.NewIdea("T1", "C1", "U1", title, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateIdea(t.Context(), idea); err != nil {
			t.Fatal(err)
		}
	}
}

func score(t *testing.T, s *store.Store, n int64, value, effort float64) prio.Idea {
	t.Helper()
	idea, _, err := s.SetScore(t.Context(), "T1", "C1", n, prio.Actor{ID: "U1"},
		map[string]float64{"value-effort:value": value, "value-effort:effort": effort}, 0, now)
	if err != nil {
		t.Fatalf("score #%d: %v", n, err)
	}
	return idea
}

func numbers(ideas []prio.Idea) []int64 {
	out := []int64{}
	for _, i := range ideas {
		out = append(out, i.Number)
	}
	return out
}

func TestRankingIsByScoreThenAge(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "one", "two", "three", "four", "five")
	score(t, s, 1, 3, 3)  // 1
	score(t, s, 2, 8, 2)  // 4
	score(t, s, 3, 13, 5) // 2.6
	score(t, s, 4, 8, 2)  // 4, younger than #2
	ranked, total, err := s.Ranked(ctx, "T1", "C1", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{2, 4, 3, 1}, numbers(ranked)); diff != "" || total != 4 {
		t.Errorf("ranking (-want +got):\n%s total %d", diff, total)
	}
	idea, pos, err := s.Where(ctx, "T1", "C1", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := prio.Position{Place: 3, Of: 4, Above: []int64{2, 4}, Framework: "value-effort"}
	if diff := cmp.Diff(want, pos); diff != "" || idea.Status != prio.StatusRanked || idea.Score != 2.6 || idea.ScoredVia != "owner" {
		t.Errorf("Where #3: %+v (-want +got):\n%s", idea, diff)
	}
	_, pos, _ = s.Where(ctx, "T1", "C1", 5)
	if diff := cmp.Diff(prio.Position{Place: 1, Of: 1, Queue: true, Framework: "value-effort"}, pos); diff != "" {
		t.Errorf("Where #5 (awaiting) (-want +got):\n%s", diff)
	}
	if _, _, err := s.Where(ctx, "T1", "C1", 99); prio.ErrorCode(err) != prio.NotFound {
		t.Errorf("Where #99 = %v, want NotFound", err)
	}
	counts, _ := s.Counts(ctx, "T1", "C1")
	if diff := cmp.Diff(map[prio.Status]int64{prio.StatusRanked: 4, prio.StatusNew: 1}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestPartialScoreKeepsTheIdeaWaiting(t *testing.T) {
	s := open(t)
	seed(t, s, "one")
	idea, _, err := s.SetScore(t.Context(), "T1", "C1", 1, prio.Actor{ID: "U1"}, map[string]float64{"value-effort:value": 8}, 0, now)
	if err != nil || idea.Status != prio.StatusNew || idea.Scored {
		t.Fatalf("partial score: %+v, %v", idea, err)
	}
	idea = score(t, s, 1, 8, 4)
	if idea.Status != prio.StatusRanked || idea.Score != 2 {
		t.Errorf("complete score: %+v", idea)
	}
}

func TestStatusLifecycle(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "one", "two")
	score(t, s, 1, 8, 2)
	owner := prio.Actor{ID: "U1"}
	if from, to, _, err := s.SetStatus(ctx, "T1", "C1", 1, owner, prio.StatusPlanned, "", prio.OpenStatuses, now); err != nil || from != prio.StatusRanked || to != prio.StatusPlanned {
		t.Fatalf("plan: %s -> %s, %v", from, to, err)
	}
	if _, pos, _ := s.Where(ctx, "T1", "C1", 1); pos.Place != 1 || pos.Queue {
		t.Errorf("a planned idea keeps its rank: %+v", pos)
	}
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 1, owner, prio.StatusDeclined, "not now", prio.OpenStatuses, now); err != nil {
		t.Fatal(err)
	}
	idea, pos, _ := s.Where(ctx, "T1", "C1", 1)
	if idea.Status != prio.StatusDeclined || idea.Reason != "not now" || idea.StatusBy != "U1" || pos.Place != 0 {
		t.Errorf("declined: %+v at %+v", idea, pos)
	}
	// A declined idea cannot be shipped or declined again…
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 1, owner, prio.StatusShipped, "", prio.OpenStatuses, now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("shipping a declined idea: %v, want Conflict", err)
	}
	// …until reopened, when it is ranked again by its score.
	if _, to, _, err := s.SetStatus(ctx, "T1", "C1", 1, owner, "reopen", "", prio.ClosedStatuses, now); err != nil || to != prio.StatusRanked {
		t.Errorf("reopen: %s, %v", to, err)
	}
	if _, to, _, _ := s.SetStatus(ctx, "T1", "C1", 2, owner, prio.StatusShipped, "", prio.OpenStatuses, now); to != prio.StatusShipped {
		t.Errorf("ship unscored #2: %s", to)
	}
	counts, _ := s.Counts(ctx, "T1", "C1")
	if diff := cmp.Diff(map[prio.Status]int64{prio.StatusRanked: 1, prio.StatusShipped: 1}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestOwnersGuardChanges(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "one")
	if _, err := s.ChangeOwners(ctx, "T1", "C1", prio.Actor{ID: "U2"}, "add", []string{"U2"}); err != nil {
		t.Fatalf("with no owners anyone may add one: %v", err)
	}
	stranger := prio.Actor{ID: "U3"}
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 1, stranger, prio.StatusPlanned, "", prio.OpenStatuses, now); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a non-owner set a status: %v", err)
	}
	if _, err := s.ChangeOwners(ctx, "T1", "C1", stranger, "add", []string{"U3"}); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a non-owner made themselves owner: %v", err)
	}
	if _, _, err := s.SetScore(ctx, "T1", "C1", 1, stranger, map[string]float64{"value-effort:value": 8}, 0, now); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a non-owner scored: %v", err)
	}
	if err := s.SetFramework(ctx, "T1", "C1", prio.Frameworks[1], stranger); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a non-owner switched the framework: %v", err)
	}
	admin := prio.Actor{ID: "U3", Admin: true}
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 1, admin, prio.StatusPlanned, "", prio.OpenStatuses, now); err != nil {
		t.Errorf("a workspace admin was refused: %v", err)
	}
	owners, err := s.ChangeOwners(ctx, "T1", "C1", prio.Actor{ID: "U2"}, "add", []string{"U4"})
	if diff := cmp.Diff([]string{"U2", "U4"}, sorted(owners)); diff != "" || err != nil {
		t.Errorf("owners (-want +got):\n%s %v", diff, err)
	}
}

func TestMergeMovesSupporters(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "dark mode", "night theme")
	for _, u := range []string{"U5", "U6"} {
		if on, _, err := s.ToggleSupport(ctx, "T1", "C1", 2, prio.Actor{ID: u}, now); err != nil || !on {
			t.Fatalf("support: %v %v", on, err)
		}
	}
	_, _, _ = s.ToggleSupport(ctx, "T1", "C1", 1, prio.Actor{ID: "U5"}, now)
	told, err := s.Merge(ctx, "T1", "C1", 2, 1, prio.Actor{ID: "U1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	// #2's author merged it and is #1's author: only its supporters are told.
	if told != 2 {
		t.Errorf("the merge tells %d people, want 2", told)
	}
	sup, _ := s.Supporters(ctx, "T1", "C1", 1)
	if diff := cmp.Diff([]string{"U5", "U6"}, sorted(sup)); diff != "" {
		t.Errorf("#1 supporters (-want +got):\n%s", diff)
	}
	merged, pos, _ := s.Where(ctx, "T1", "C1", 2)
	if merged.Status != prio.StatusMerged || merged.MergedInto != 1 || pos.Place != 0 {
		t.Errorf("#2 after merge: %+v at %+v", merged, pos)
	}
	if _, _, err := s.ToggleSupport(ctx, "T1", "C1", 2, prio.Actor{ID: "U7"}, now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("supporting a merged idea: %v", err)
	}
	if _, err := s.Merge(ctx, "T1", "C1", 1, 2, prio.Actor{ID: "U1"}, now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("merging into a merged idea: %v", err)
	}
}

func TestSupportToggles(t *testing.T) {
	s := open(t)
	seed(t, s, "one")
	for i, want := range []bool{true, false, true} {
		on, n, err := s.ToggleSupport(t.Context(), "T1", "C1", 1, prio.Actor{ID: "U2"}, time.Now())
		if err != nil || on != want || (n == 1) != want {
			t.Errorf("click %d: on %v count %d %v; want on %v", i+1, on, n, err, want)
		}
	}
	if _, _, err := s.ToggleSupport(t.Context(), "T1", "C1", 1, prio.Actor{ID: "U1"}, time.Now()); prio.ErrorCode(err) != prio.Invalid {
		t.Errorf("the author supporting their own idea: %v", err)
	}
}

func TestFrameworkSwitchKeepsValuesAndReRanks(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "one", "two")
	score(t, s, 1, 8, 2)
	score(t, s, 2, 13, 13)
	ice, _ := prio.LookupFramework("ice")
	if err := s.SetFramework(ctx, "T1", "C1", ice, prio.Actor{ID: "U1"}); err != nil {
		t.Fatal(err)
	}
	if ranked, _, _ := s.Ranked(ctx, "T1", "C1", 0, 10); len(ranked) != 0 {
		t.Errorf("ideas without ICE values are still ranked: %v", numbers(ranked))
	}
	if _, _, err := s.SetScore(ctx, "T1", "C1", 2, prio.Actor{ID: "U1"}, map[string]float64{"ice:impact": 5, "ice:confidence": 5, "ice:ease": 5}, 0, now); err != nil {
		t.Fatal(err)
	}
	if ranked, _, _ := s.Ranked(ctx, "T1", "C1", 0, 10); fmt.Sprint(numbers(ranked)) != "[2]" {
		t.Errorf("ICE ranking = %v, want [2]", numbers(ranked))
	}
	if err := s.SetFramework(ctx, "T1", "C1", prio.DefaultFramework, prio.Actor{ID: "U1"}); err != nil {
		t.Fatal(err)
	}
	ranked, _, _ := s.Ranked(ctx, "T1", "C1", 0, 10)
	if fmt.Sprint(numbers(ranked)) != "[1 2]" || ranked[0].Score != 4 {
		t.Errorf("back on value-effort, ranking = %v, want [1 2] with the old values", numbers(ranked))
	}
}

// Two owners racing to decline and to merge the same idea never leave it
// in two states: exactly one wins, and the lists and counts agree.
func TestRacingChangesLeaveOneState(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	for round := range 20 {
		team := fmt.Sprintf("T%d", round)
		for _, title := range []string{"a", "b"} {
			idea, _ := prio.NewIdea(team, "C1", "U1", title, "", now)
			if _, _, err := s.CreateIdea(ctx, idea); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() {
			_, _, _, errs[0] = s.SetStatus(ctx, team, "C1", 1, prio.Actor{ID: "U1"}, prio.StatusDeclined, "no", prio.OpenStatuses, now)
		})
		wg.Go(func() { _, errs[1] = s.Merge(ctx, team, "C1", 1, 2, prio.Actor{ID: "U1"}, now) })
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: decline %v, merge %v; want exactly one to win", round, errs[0], errs[1])
		}
		idea, pos, _ := s.Where(ctx, team, "C1", 1)
		counts, _ := s.Counts(ctx, team, "C1")
		if pos.Place != 0 || counts[idea.Status] != 1 || counts[prio.StatusNew] != 1 || len(counts) != 2 {
			t.Fatalf("round %d: #1 %s at %+v, counts %v", round, idea.Status, pos, counts)
		}
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
