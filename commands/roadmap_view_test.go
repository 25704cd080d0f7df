package commands

import (
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/roadmap"
)

// bigRoadmap is 300 ideas on the roadmap, a hundred a lane, in 3 goals.
func bigRoadmap() roadmap.Snapshot {
	s := roadmap.Snapshot{Now: time.Now()}
	for g := int64(1); g <= 3; g++ {
		s.Goals = append(s.Goals, prio.Goal{ID: g, Name: fmt.Sprintf("Goal %d", g)})
	}
	statuses := []prio.Status{prio.StatusInProgress, prio.StatusPlanned, prio.StatusRanked}
	for n := int64(1); n <= 300; n++ {
		idea := prio.Idea{Number: n, Title: fmt.Sprintf("A roadmap idea with a long enough title, number %03d", n), Status: statuses[n%3],
			Goal: n % 4, Score: 2.5, Scored: true, Supporters: n % 7, Links: []string{"https://tracker.example.com/PROJ-" + fmt.Sprint(n)}}
		if idea.Status == prio.StatusRanked {
			idea.Placed = prio.Later
		}
		s.Ideas = append(s.Ideas, idea)
	}
	return s
}

// Each lane of a 300-idea roadmap fits a section, and says how many more.
func TestTeamViewFitsSlack(t *testing.T) {
	m := teamView(bigRoadmap(), "C1")
	if len(m.Blocks) > 50 {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	for _, b := range m.Blocks {
		if sec, ok := b.(*slack.SectionBlock); ok && len([]rune(sec.Text.Text)) > 3000 {
			t.Errorf("a section of %d characters", len([]rune(sec.Text.Text)))
		}
	}
}

// BenchmarkTeamView draws the team view of 300 ideas: the work /roadmap
// does beside its one Redis round trip.
func BenchmarkTeamView(b *testing.B) {
	s := bigRoadmap()
	for b.Loop() {
		teamView(s, "C1")
	}
}
