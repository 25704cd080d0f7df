package matrix_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/priobot/priobot/matrix"
)

func TestRenderIsAValidPNG(t *testing.T) {
	tests := map[string][]matrix.Point{
		"ideas":    {{"#1", 8, 3}, {"#2", 13, 2}, {"#3", 2, 13}, {"#4", 5, 5}, {"#5", 5, 5}},
		"one idea": {{"#1", 8, 3}},
		"no ideas": nil,
	}
	for name, points := range tests {
		data, err := matrix.Render("Priority matrix of #product", "Value", "Effort", points)
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

func TestQuadrantsNameEveryIdea(t *testing.T) {
	points := []matrix.Point{{"#2 Export", 13, 2}, {"#9 SSO", 13, 13}, {"#3 Mobile app", 1, 13}, {"#1 Dark mode", 8, 3}}
	want := "Quick wins: #2 Export, #1 Dark mode. Big bets: #9 SSO. Money pits: #3 Mobile app."
	if got := matrix.Quadrants(points, 1000); got != want {
		t.Errorf("Quadrants = %q\nwant %q", got, want)
	}
	if got := matrix.Quadrants(points, 20); len([]rune(got)) != 20 {
		t.Errorf("Quadrants within 20 characters = %q", got)
	}
}
