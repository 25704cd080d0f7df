package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
	"github.com/priobot/priobot/store"
)

func startRound(t *testing.T, s *store.Store, raters []string) ratings.Round {
	t.Helper()
	r, err := s.StartRatings(t.Context(), ratings.Round{Team: "T1", Channel: "C1", Ideas: []int64{1, 2}, Question: "Would it help?",
		Created: now, Deadline: now.Add(24 * time.Hour)}, raters, nil, prio.Actor{ID: "U1", Name: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Each rating is counted once: concurrent raters lose nothing, Slack's
// redelivery of a click changes nothing, an older click never overwrites a
// newer one, and only the raters asked may rate, only while open.
func TestRatingsCountEachAnswerOnce(t *testing.T) {
	s := open(t)
	seed(t, s, "Dark mode", "Export")
	var raters []string
	for i := range 50 {
		raters = append(raters, fmt.Sprintf("U%03d", i))
	}
	r := startRound(t, s, raters)
	ctx := t.Context()
	rate := func(u string, n int64, v int, ts string) ratings.Answer {
		t.Helper()
		a, err := s.Rate(ctx, "T1", "C1", r.ID, r.Ideas, u, n, v, ts)
		if err != nil {
			t.Fatalf("%s rates #%d %d: %v", u, n, v, err)
		}
		return a
	}
	var wg sync.WaitGroup
	for i, u := range raters {
		wg.Go(func() {
			rate(u, 1, 1+i%5, "100.000001")
			rate(u, 1, 1+i%5, "100.000001") // redelivered
		})
	}
	wg.Wait()
	if a := rate("U000", 2, ratings.Skip, "101.000001"); a.Outcome != ratings.Recorded || a.Round.Rated != 50 || a.Round.Raters != 50 {
		t.Errorf("after everyone rated: %+v", a)
	}
	if a := rate("U000", 1, 5, "99.000001"); a.Outcome != ratings.Unchanged || a.Lines[0].Mine != 1 {
		t.Errorf("an older click overwrote a newer one: %+v", a)
	}
	if _, err := s.Rate(ctx, "T1", "C1", r.ID, r.Ideas, "U999", 1, 3, "102.000001"); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a stranger rated: %v", err)
	}
	if _, err := s.Rate(ctx, "T1", "C1", r.ID, []int64{1}, "U000", 1, 3, "102.000001"); prio.ErrorCode(err) != prio.NotFound {
		t.Errorf("a button naming other ideas was taken: %v", err)
	}

	closed := make(chan bool, 4)
	for range 4 { // four replicas reach the deadline at once
		wg.Go(func() {
			ok, err := s.CloseRatings(ctx, r, prio.Actor{}, now.Add(25*time.Hour))
			if err != nil {
				t.Error(err)
			}
			closed <- ok
		})
	}
	wg.Wait()
	close(closed)
	n := 0
	for ok := range closed {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("closed %d times, want once", n)
	}
	if a := rate("U001", 1, 5, "200.000001"); a.Outcome != ratings.Closed || a.Lines[0].Mine != 2 {
		t.Errorf("a rating after the close: %+v", a)
	}
	dists, err := s.RatingsDists(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int64][ratings.Highest]int{1: {10, 10, 10, 10, 10}}, dists); diff != "" {
		t.Errorf("distributions (-want +got):\n%s", diff)
	}
}

// The deadline closes nothing early.
func TestRatingsCloseNotBeforeTheirDeadline(t *testing.T) {
	s := open(t)
	seed(t, s, "Dark mode", "Export")
	r := startRound(t, s, []string{"U2"})
	if ok, err := s.CloseRatings(t.Context(), r, prio.Actor{}, now.Add(time.Hour)); ok || err != nil {
		t.Errorf("closed before the deadline: %v %v", ok, err)
	}
	if ok, err := s.CloseRatings(t.Context(), r, prio.Actor{ID: "U1", Name: "ann"}, now.Add(time.Hour)); !ok || err != nil {
		t.Errorf("an owner's close: %v %v", ok, err)
	}
}
