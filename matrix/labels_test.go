package matrix

import (
	"fmt"
	"testing"

	"gonum.org/v1/plot/vg"
)

// However the points crowd, no label covers another label or a point.
func TestPlaceLabelsKeepsCrowdsLegible(t *testing.T) {
	area := box{0, 0, 800, 600}
	tests := map[string][]vg.Point{
		"twelve ideas on one spot": repeat(vg.Point{X: 400, Y: 300}, 12),
		"a tight cluster":          {{X: 400, Y: 300}, {X: 404, Y: 302}, {X: 398, Y: 296}, {X: 410, Y: 300}, {X: 400, Y: 310}, {X: 395, Y: 305}},
		"crowded in a corner":      repeat(vg.Point{X: 790, Y: 590}, 6),
		"spread out":               {{X: 100, Y: 100}, {X: 600, Y: 400}},
	}
	for name, anchors := range tests {
		sizes := repeat(vg.Point{X: 90, Y: 11}, len(anchors))
		got := placeLabels(anchors, sizes, area, 4)
		var boxes []box
		for i, at := range got {
			b := box{float64(at.X), float64(at.Y), float64(at.X + sizes[i].X), float64(at.Y + sizes[i].Y)}
			if !b.inside(area) {
				t.Errorf("%s: label %d at %v leaves the plot", name, i, b)
			}
			for j, a := range anchors {
				if b.overlaps(box{float64(a.X) - 4, float64(a.Y) - 4, float64(a.X) + 4, float64(a.Y) + 4}) {
					t.Errorf("%s: label %d covers point %d", name, i, j)
				}
			}
			for j, o := range boxes {
				if b.overlaps(o) {
					t.Errorf("%s: label %d covers label %d", name, i, j)
				}
			}
			boxes = append(boxes, b)
		}
	}
	// A lone point's label sits right beside it.
	got := placeLabels([]vg.Point{{X: 100, Y: 100}}, []vg.Point{{X: 90, Y: 11}}, area, 4)
	if fmt.Sprint(got) != fmt.Sprint([]vg.Point{{X: 106, Y: 94.5}}) {
		t.Errorf("a lone label went to %v, want just right of its point", got)
	}
}

func repeat(p vg.Point, n int) []vg.Point {
	out := make([]vg.Point, n)
	for i := range out {
		out[i] = p
	}
	return out
}
