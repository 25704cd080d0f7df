package matrix

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// box is a rectangle on the canvas, in points.
type box struct{ minX, minY, maxX, maxY float64 }

func (a box) overlaps(b box) bool {
	return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY
}

func (a box) inside(b box) bool {
	return a.minX >= b.minX && a.maxX <= b.maxX && a.minY >= b.minY && a.maxY <= b.maxY
}

// rings is how far out a label may move from its point, in steps of its height.
const rings = 12

// placeLabels finds where each label goes so that labels stay legible when
// points crowd: beside its point where that is free, otherwise on rings
// further out (right, left, above, below, then the diagonals), never over
// another label or a point's glyph, and inside area. Labels are placed in
// order, so the first (best-ranked) idea gets the nearest spot. A label
// with no free spot goes right of its point. It returns each label's
// lower-left corner.
func placeLabels(anchors []vg.Point, sizes []vg.Point, area box, glyph float64) []vg.Point {
	var taken []box
	for _, a := range anchors {
		x, y := float64(a.X), float64(a.Y)
		taken = append(taken, box{x - glyph, y - glyph, x + glyph, y + glyph})
	}
	out := make([]vg.Point, len(anchors))
	for i, a := range anchors {
		x, y := float64(a.X), float64(a.Y)
		w, h := float64(sizes[i].X), float64(sizes[i].Y)
		at := func(lx, ly float64) box { return box{lx, ly, lx + w, ly + h} }
		best := at(x+glyph+2, y-h/2)
	search:
		for ring := range rings {
			d := glyph + 2 + float64(ring)*h
			for _, c := range []box{
				at(x+d, y-h/2), at(x-d-w, y-h/2), at(x-w/2, y+d), at(x-w/2, y-d-h),
				at(x+d, y+d), at(x-d-w, y+d), at(x+d, y-d-h), at(x-d-w, y-d-h),
			} {
				if !c.inside(area) {
					continue
				}
				free := true
				for _, t := range taken {
					if c.overlaps(t) {
						free = false
						break
					}
				}
				if free {
					best = c
					break search
				}
			}
		}
		taken = append(taken, best)
		out[i] = vg.Point{X: vg.Length(best.minX), Y: vg.Length(best.minY)}
	}
	return out
}

// labels is a plotter that writes each point's label where placeLabels
// puts it, with a thin line back to its point when it had to move away.
type labels struct {
	points []Point
	style  text.Style
}

func newLabels(points []Point) labels {
	return labels{points: points, style: text.Style{
		Color: color.RGBA{R: 29, G: 59, B: 83, A: 255}, Font: font.From(plot.DefaultFont, vg.Points(9)),
		Handler: plot.DefaultTextHandler, XAlign: draw.XLeft, YAlign: draw.YBottom,
	}}
}

// Plot implements plot.Plotter.
func (l labels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	anchors := make([]vg.Point, len(l.points))
	sizes := make([]vg.Point, len(l.points))
	offsets := make([]vg.Point, len(l.points))
	for i, pt := range l.points {
		anchors[i] = vg.Point{X: trX(pt.Cost), Y: trY(pt.Benefit)}
		r := l.style.Rectangle(pt.Label)
		sizes[i] = vg.Point{X: r.Max.X - r.Min.X, Y: r.Max.Y - r.Min.Y}
		offsets[i] = r.Min
	}
	area := box{float64(c.Min.X), float64(c.Min.Y), float64(c.Max.X), float64(c.Max.Y)}
	leader := draw.LineStyle{Color: color.Gray{Y: 150}, Width: vg.Points(0.5)}
	for i, at := range placeLabels(anchors, sizes, area, float64(glyphRadius)) {
		a, s := anchors[i], sizes[i]
		cx, cy := at.X+s.X/2, at.Y+s.Y/2
		if d := math.Hypot(float64(cx-a.X), float64(cy-a.Y)); d > float64(s.Y+s.X/2+glyphRadius*2) {
			// Far from its point: a line shows whose label it is, ending at
			// the label's nearer side.
			end := vg.Point{X: at.X, Y: cy}
			if a.X > cx {
				end.X = at.X + s.X
			}
			c.StrokeLine2(leader, a.X, a.Y, end.X, end.Y)
		}
		c.FillText(l.style, vg.Point{X: at.X - offsets[i].X, Y: at.Y - offsets[i].Y}, l.points[i].Label)
	}
}
