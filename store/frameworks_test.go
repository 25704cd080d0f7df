package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/prio"
)

// A framework is data: defined once, listed, redefined at the revision
// read (two editors at once: one wins whole, the other is told), deleted
// unless a backlog uses it.
func TestWorkspaceFrameworks(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	growth, err := prio.ParseFramework("growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost")
	if err != nil {
		t.Fatal(err)
	}
	ann, bob := prio.Actor{ID: "U1", Name: "ann"}, prio.Actor{ID: "U2", Name: "bob"}
	if rev, err := s.DefineFramework(ctx, "T1", growth, 0, ann, now); err != nil || rev != 1 {
		t.Fatalf("define: %d %v", rev, err)
	}
	if _, err := s.DefineFramework(ctx, "T1", growth, 0, bob, now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("a second definition of growth: %v", err)
	}
	list, err := s.WorkspaceFrameworks(ctx, "T1")
	if err != nil || len(list) != 1 || list[0].Definition() != growth.Definition() || list[0].Rev != 1 || list[0].By != "ann" {
		t.Fatalf("listed %+v %v", list, err)
	}
	if others, _ := s.WorkspaceFrameworks(ctx, "T2"); len(others) != 0 {
		t.Errorf("another workspace sees %v", others)
	}
	edited, _ := prio.ParseFramework("growth: reach (1 2 3 5 8 13) benefit ×3, effort (1 2 3 5 8) cost")
	if rev, err := s.DefineFramework(ctx, "T1", edited, 1, bob, now); err != nil || rev != 2 {
		t.Fatalf("bob's edit: %d %v", rev, err)
	}
	_, err = s.DefineFramework(ctx, "T1", growth, 1, ann, now) // ann read revision 1 too
	if prio.ErrorCode(err) != prio.Conflict || !strings.Contains(prio.ErrorMessage(err), "bob changed growth while you edited it") {
		t.Errorf("ann's stale edit: %v", err)
	}
	if list, _ := s.WorkspaceFrameworks(ctx, "T1"); list[0].Definition() != edited.Definition() {
		t.Errorf("after both edits: %q", list[0].Definition())
	}
	if err := s.SetFramework(ctx, "T1", "C1", edited, ann); err != nil {
		t.Fatalf("switching C1 to growth: %v", err)
	}
	if used, err := s.DeleteFramework(ctx, "T1", "growth"); err != nil || len(used) != 1 || used[0] != "C1" {
		t.Fatalf("deleting growth while C1 uses it: %v %v", used, err)
	}
	if err := s.SetFramework(ctx, "T1", "C1", prio.DefaultFramework, ann); err != nil {
		t.Fatal(err)
	}
	if used, err := s.DeleteFramework(ctx, "T1", "growth"); err != nil || len(used) != 0 {
		t.Fatalf("deleting growth: %v %v", used, err)
	}
	if _, err := s.DeleteFramework(ctx, "T1", "growth"); prio.ErrorCode(err) != prio.NotFound {
		t.Errorf("deleting it again: %v", err)
	}
}
