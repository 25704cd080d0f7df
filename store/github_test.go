package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// An issue makes one idea per backlog, however many pollers import it at
// once (a lease keeps replicas apart; the script is the guarantee).
func TestImportIssueMakesOneIdea(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	link := &prio.IssueLink{Repo: "acme/app", Number: 5, URL: "https://github.test/acme/app/issues/5", Author: "octocat"}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created []int64
		taken   []int64
	)
	for range 8 {
		wg.Go(func() {
			idea, _, was, err := s.ImportIssue(ctx, prio.Idea{Team: "T1", Channel: "C1", Title: "Dark mode", AuthorName: "octocat",
				Status: prio.StatusNew, Created: time.Now(), Via: "github", Issue: link})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if idea.Number != 0 {
				created = append(created, idea.Number)
			} else {
				taken = append(taken, was)
			}
		})
	}
	wg.Wait()
	if len(created) != 1 || len(taken) != 7 {
		t.Fatalf("8 imports made %v and found %v; want one idea", created, taken)
	}
	for _, n := range taken {
		if n != created[0] {
			t.Errorf("an import found #%d, want #%d", n, created[0])
		}
	}
	if n, _ := s.IssueIdea(ctx, "T1", "C1", "ACME/app", 5); n != created[0] {
		t.Errorf("IssueIdea = %d, want %d (repository names are case-insensitive)", n, created[0])
	}
	idea, _, err := s.Where(ctx, "T1", "C1", created[0])
	if err != nil || idea.Issue == nil || *idea.Issue != *link || idea.Author != "" {
		t.Errorf("the idea reads %+v, %v; want its issue and no Slack author", idea, err)
	}
	if linked, _ := s.LinkedIdeas(ctx, "T1", "C1"); len(linked) != 1 || linked[0] != created[0] {
		t.Errorf("linked ideas %v, want [%d]", linked, created[0])
	}
}

func TestOneRepositoryPerBacklog(t *testing.T) {
	s := open(t)
	ctx, now := t.Context(), time.Now()
	ann, bob := prio.Actor{ID: "U1", Name: "ann"}, prio.Actor{ID: "U2", Name: "bob"}
	app := tracker.Repo{Name: "acme/app", URL: "https://github.test/acme/app"}
	if out, err := s.ConnectGitHub(ctx, "T1", "C1", "product", ann, app, "priobot", now); err != nil || out != "connected" {
		t.Fatalf("connect: %q %v", out, err)
	}
	if out, _ := s.ConnectGitHub(ctx, "T1", "C1", "product", ann, app, "priobot", now); out != "same" {
		t.Errorf("the same again: %q", out)
	}
	other := tracker.Repo{Name: "acme/web", URL: "https://github.test/acme/web"}
	if _, err := s.ConnectGitHub(ctx, "T1", "C1", "product", ann, other, "priobot", now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("another repository while one is connected: %v, want a conflict", err)
	}
	if _, err := s.ChangeOwners(ctx, "T1", "C1", ann, "add", []string{ann.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DisconnectGitHub(ctx, "T1", "C1", bob); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a non-owner disconnects: %v", err)
	}
	if repo, err := s.DisconnectGitHub(ctx, "T1", "C1", ann); err != nil || repo != "acme/app" {
		t.Errorf("disconnect: %q %v", repo, err)
	}
	if out, err := s.ConnectGitHub(ctx, "T1", "C1", "product", ann, other, "ideas", now); err != nil || out != "connected" {
		t.Errorf("another repository after the disconnect: %q %v", out, err)
	}
	c, ok, _ := s.GitHubConnection(ctx, "T1", "C1")
	if !ok || c.Repo != other || c.Label != "ideas" || c.State != tracker.On || !c.Cursor.Since.IsZero() {
		t.Errorf("the connection reads %+v", c)
	}
	due, _ := s.DueGitHubPolls(ctx, now.Add(time.Second))
	if len(due) != 1 || due[0] != (tracker.Due{Team: "T1", Channel: "C1"}) {
		t.Errorf("due polls %v, want C1's", due)
	}
}
