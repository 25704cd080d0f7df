package roadmap_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/roadmap"
)

var now = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

func idea(n int64, title string, st prio.Status, placed prio.Lane, goal int64) prio.Idea {
	return prio.Idea{Number: n, Title: title, Status: st, Placed: placed, Goal: goal}
}

func sample() roadmap.Snapshot {
	return roadmap.Snapshot{
		Now:   now,
		Goals: []prio.Goal{{ID: 1, Name: "Win enterprise deals"}, {ID: 2, Name: "Retention"}},
		Ideas: []prio.Idea{
			idea(2, "SSO with Okta", prio.StatusInProgress, prio.Off, 1),
			idea(5, "Audit log", prio.StatusPlanned, prio.Off, 1),
			idea(1, "Dark mode", prio.StatusPlanned, prio.Now, 2),
			idea(7, "Export", prio.StatusRanked, prio.Later, 0),
			idea(8, "SCIM", prio.StatusPlanned, prio.Off, 1),
			idea(9, "Roles", prio.StatusPlanned, prio.Off, 1),
			idea(10, "Admin API", prio.StatusPlanned, prio.Off, 1),
		},
		Shipped: []prio.Idea{
			{Number: 4, Title: "2FA", Status: prio.StatusShipped, Goal: 1, StatusAt: now.Add(-10 * 24 * time.Hour)},
			{Number: 3, Title: "Onboarding", Status: prio.StatusShipped, Goal: 2, StatusAt: now.Add(-60 * 24 * time.Hour)},
		},
	}
}

func numbers(ideas []prio.Idea) []int64 {
	var out []int64
	for _, i := range ideas {
		out = append(out, i.Number)
	}
	return out
}

// Lanes keep the backlog's order; Done is the last month only.
func TestLanes(t *testing.T) {
	s := sample()
	got := map[string][]int64{"now": numbers(s.Lane(prio.Now)), "next": numbers(s.Lane(prio.Next)), "later": numbers(s.Lane(prio.Later)),
		"done": numbers(s.Done())}
	want := map[string][]int64{"now": {2, 1}, "next": {5, 8, 9, 10}, "later": {7}, "done": {4}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// The executives' grid: a row per goal and one for none, a count and at
// most three titles per cell, shipped in the last quarter.
func TestGrid(t *testing.T) {
	rows := sample().Grid()
	type cell struct {
		Goal    string
		Now     roadmap.Cell
		Next    roadmap.Cell
		Later   roadmap.Cell
		Shipped int
	}
	var got []cell
	for _, r := range rows {
		got = append(got, cell{r.Goal.Name, r.Cells[prio.Now], r.Cells[prio.Next], r.Cells[prio.Later], r.Shipped})
	}
	want := []cell{
		{"Win enterprise deals", roadmap.Cell{Count: 1, Titles: []string{"SSO with Okta"}}, roadmap.Cell{Count: 4, Titles: []string{"Audit log", "SCIM", "Roles"}}, roadmap.Cell{}, 1},
		{"Retention", roadmap.Cell{Count: 1, Titles: []string{"Dark mode"}}, roadmap.Cell{}, roadmap.Cell{}, 1},
		{roadmap.NoGoal, roadmap.Cell{}, roadmap.Cell{}, roadmap.Cell{Count: 1, Titles: []string{"Export"}}, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// What a summary says moved since the last one.
func TestChanges(t *testing.T) {
	before := map[int64]roadmap.Seen{2: {Lane: prio.Next}, 5: {Lane: prio.Next}, 4: {Lane: prio.Now}, 6: {Lane: prio.Later}}
	var got []string
	for _, c := range roadmap.Changes(before, sample(), map[int64]string{4: "2FA", 6: "Themes"}) {
		got = append(got, c.String())
	}
	want := []string{"#2 SSO with Okta Next → Now", "#1 Dark mode added to Now", "#8 SCIM added to Next", "#9 Roles added to Next",
		"#10 Admin API added to Next", "#7 Export added to Later", "#4 2FA shipped", "#6 Themes left the roadmap"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if got := roadmap.Changes(sample().Seen(), sample(), nil); len(got) != 0 {
		t.Errorf("an unchanged roadmap reports %v", got)
	}
}

// The picture is a PNG as tall as its fullest swimlane needs; hostile
// titles are drawn as text; the alt text names every lane's ideas.
func TestDraw(t *testing.T) {
	s := sample()
	s.Ideas = append(s.Ideas, idea(11, "<script>alert(1)</script> *bold* <!channel>", prio.StatusRanked, prio.Later, 2))
	data, err := roadmap.Draw(s, "#product's roadmap")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1080 || b.Dy() < 200 {
		t.Errorf("picture is %v", b)
	}
	alt := roadmap.Alt(s, "#product's roadmap")
	for _, want := range []string{"Now, 2: #2 SSO with Okta (Win enterprise deals); #1 Dark mode (Retention).", "Later, 2: #7 Export;"} {
		if !strings.Contains(alt, want) {
			t.Errorf("alt text lacks %q:\n%s", want, alt)
		}
	}
}

func fifty() roadmap.Snapshot {
	s := roadmap.Snapshot{Now: now}
	for g := range int64(5) {
		s.Goals = append(s.Goals, prio.Goal{ID: g + 1, Name: fmt.Sprintf("Goal %d", g+1)})
	}
	lanes := []prio.Status{prio.StatusInProgress, prio.StatusPlanned, prio.StatusRanked}
	for n := range int64(50) {
		placed := prio.Off
		if n%3 == 2 {
			placed = prio.Later
		}
		s.Ideas = append(s.Ideas, idea(n+1, fmt.Sprintf("An idea with a fairly long title number %d", n+1), lanes[n%3], placed, n%6))
	}
	return s
}

// 50 ideas stay legible: every box fits its lane.
func TestDrawFifty(t *testing.T) {
	data, err := roadmap.Draw(fifty(), "#product's roadmap")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkDraw50: the picture of a roadmap of 50 ideas.
func BenchmarkDraw50(b *testing.B) {
	s := fifty()
	for b.Loop() {
		if _, err := roadmap.Draw(s, "#product's roadmap"); err != nil {
			b.Fatal(err)
		}
	}
}
