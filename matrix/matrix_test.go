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
