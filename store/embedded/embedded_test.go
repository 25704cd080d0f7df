package embedded_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/store"
	"github.com/priobot/priobot/store/embedded"
)

func openEmbedded(t *testing.T, snapshot string) (*embedded.Redis, *store.Store) {
	t.Helper()
	e, err := embedded.Start(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(t.Context(), e.URL(), store.Options{})
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	return e, s
}

// TestEmbeddedRedisKeepsABacklogAcrossASave: the playground's -data.
func TestEmbeddedRedisKeepsABacklogAcrossASave(t *testing.T) {
	file := filepath.Join(t.TempDir(), "redis.json")
	e, s := openEmbedded(t, file)
	ctx, now := t.Context(), time.Now()
	ann := prio.Actor{ID: "U1", Name: "ann"}
	idea, _, err := s.CreateIdea(ctx, prio.Idea{Team: "T1", Channel: "C1", Title: "Dark mode", Author: ann.ID, AuthorName: ann.Name, Status: prio.StatusNew, Created: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ToggleSupport(ctx, "T1", "C1", idea.Number, prio.Actor{ID: "U2", Name: "bob"}, now); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", idea.Number, ann, prio.StatusPlanned, "", []prio.Status{prio.StatusNew}, now); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimIdeaRedraw(ctx, "T1", "C1", idea.Number); !ok || err != nil { // a key with a TTL
		t.Fatal(ok, err)
	}
	before, pos, _ := s.Where(ctx, "T1", "C1", idea.Number)
	history, _, _, _ := s.History(ctx, "T1", "C1", idea.Number, 0, 10)
	_ = s.Close()
	if err := e.Save(file); err != nil {
		t.Fatal(err)
	}
	e.Close()

	e, s = openEmbedded(t, file)
	defer e.Close()
	defer s.Close()
	after, pos2, err := s.Where(ctx, "T1", "C1", idea.Number)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{before, pos}, []any{after, pos2}); diff != "" {
		t.Errorf("#1 after a save (-before +after):\n%s", diff)
	}
	history2, _, _, _ := s.History(ctx, "T1", "C1", idea.Number, 0, 10)
	if diff := cmp.Diff(history, history2); diff != "" {
		t.Errorf("#1's history after a save (-before +after):\n%s", diff)
	}
	if ok, _ := s.ClaimIdeaRedraw(ctx, "T1", "C1", idea.Number); ok {
		t.Error("a key with a TTL was lost: the redraw slot is free again at once")
	}
	next, _, err := s.CreateIdea(ctx, prio.Idea{Team: "T1", Channel: "C1", Title: "Export", Author: ann.ID, AuthorName: ann.Name, Status: prio.StatusNew, Created: now})
	if err != nil || next.Number != 2 {
		t.Errorf("the next idea is #%d (%v)", next.Number, err)
	}
}

// TestMarkRefusesATeamsData: the playground marks an empty Redis as its
// own, and refuses one with other priobot data unless forced.
func TestMarkRefusesATeamsData(t *testing.T) {
	ctx := t.Context()
	empty := redistest.Start(t).URL()
	for range 2 {
		if err := embedded.Mark(ctx, empty, false); err != nil {
			t.Fatalf("an empty Redis: %v", err)
		}
	}
	team := redistest.Start(t).URL()
	st, err := store.Open(ctx, team, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.CreateIdea(ctx, prio.Idea{Team: "T1", Channel: "C1", Title: "Real", Author: "U1", AuthorName: "ann", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := embedded.Mark(ctx, team, false); !errors.Is(err, embedded.ErrNotPlayground) {
		t.Fatalf("a team's Redis: %v", err)
	}
	if err := embedded.Mark(ctx, team, true); err != nil {
		t.Fatalf("forced: %v", err)
	}
	if err := embedded.Mark(ctx, team, false); err != nil {
		t.Errorf("once forced, the Redis is the playground's: %v", err)
	}
}
