package matrix_test

import (
	"bytes"
	"image/png"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/priobot/priobot/matrix"
)

func TestRenderIsAValidPNG(t *testing.T) {
	tests := map[string][]matrix.Point{
		"ideas":    {{"#1", 8, 3}, {"#2", 13, 2}, {"#3", 2, 13}, {"#4", 5, 5}, {"#5", 5, 5}},
		"one idea": {{"#1", 8, 3}},
		"no ideas": nil,
	}
	for name, points := range tests {
		data, err := matrix.Render("Priority matrix of #product", "Value", "Effort", fib, points)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != matrix.Width || b.Dy() != matrix.Height {
			t.Errorf("%s: %dx%d, want %dx%d", name, b.Dx(), b.Dy(), matrix.Width, matrix.Height)
		}
	}
}

// fib is value vs effort's scales: 1 to 13 on both axes.
var fib = matrix.Axes{Benefit: []float64{1, 2, 3, 5, 8, 13}, Cost: []float64{1, 2, 3, 5, 8, 13}}

func TestQuadrantsNameEveryIdea(t *testing.T) {
	tests := []struct {
		name   string
		points []matrix.Point
		want   string
	}{
		{"by the scale's middle", []matrix.Point{{"#2 Export", 13, 2}, {"#9 SSO", 13, 13}, {"#3 Mobile app", 1, 13}, {"#1 Dark mode", 8, 3}},
			"Quick wins: #2 Export, #1 Dark mode. Big bets: #9 SSO. Money pits: #3 Mobile app."},
		// Not the middle of the points' range (8 and 7.5 here): the scale's, 7 on both.
		{"the same divider on both axes", []matrix.Point{{"#1", 8, 8}, {"#2", 6.5, 6.5}, {"#3", 13, 2}},
			"Quick wins: #3. Big bets: #1. Fill-ins: #2."},
		{"on a divider: low cost, high benefit", []matrix.Point{{"#1", 7, 7}, {"#2", 3, 7}},
			"Quick wins: #1 (on a divider). Fill-ins: #2 (on a divider)."},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, matrix.Quadrants(fib, tt.points, 1000)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if got := matrix.Quadrants(fib, tests[0].points, 20); len([]rune(got)) != 20 {
		t.Errorf("Quadrants within 20 characters = %q", got)
	}
}

func TestDividersAtTheScalesMiddle(t *testing.T) {
	cost, benefit := fib.Dividers()
	if cost != 7 || benefit != 7 {
		t.Errorf("dividers at cost %v, benefit %v; want 7 and 7", cost, benefit)
	}
}

// TestMatrixExample draws the README's example, written where
// MATRIX_EXAMPLE says (make screenshots); otherwise it only draws it.
func TestMatrixExample(t *testing.T) {
	points := []matrix.Point{{"#2 Export to CSV", 13, 2}, {"#1 Dark mode", 8, 3}, {"#9 SSO with Okta", 13, 13},
		{"#4 Tags", 5, 5}, {"#7 Offline mode", 8, 8}, {"#3 Mobile app", 3, 13}, {"#5 Bulk edit", 6.5, 7}, {"#6 Keyboard shortcuts", 2, 1}}
	data, err := matrix.Render("Priority matrix (Value vs effort)", "Value", "Effort", fib, points)
	if err != nil {
		t.Fatal(err)
	}
	if file := os.Getenv("MATRIX_EXAMPLE"); file != "" {
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
