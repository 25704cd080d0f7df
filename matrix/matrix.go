// Package matrix draws a backlog's priority matrix: benefit against cost,
// one labelled point per ranked idea, the four quadrants named. It knows
// nothing of Slack or Redis.
package matrix

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is one idea on the matrix.
type Point struct {
	Label         string // "#12 Dark mode"
	Benefit, Cost float64
}

// glyphRadius is the size of a point's dot.
const glyphRadius = vg.Length(4)

// Size of the picture, in pixels at 96 dpi.
const (
	Width  = 900
	Height = 700
)

// Render draws points as a PNG, each labelled where its label stays
// legible (see placeLabels); give them best first. The quadrants split each axis at the middle
// of the plotted range: quick wins (high benefit, low cost), big bets
// (high, high), fill-ins (low, low) and money pits (low benefit, high cost).
func Render(title, benefitLabel, costLabel string, points []Point) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = costLabel + " (cost) →"
	p.Y.Label.Text = benefitLabel + " (benefit) →"
	xmin, xmax, ymin, ymax := bounds(points)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	midX, midY := (xmin+xmax)/2, (ymin+ymax)/2

	for _, l := range []plotter.XYs{{{X: midX, Y: ymin}, {X: midX, Y: ymax}}, {{X: xmin, Y: midY}, {X: xmax, Y: midY}}} {
		line, err := plotter.NewLine(l)
		if err != nil {
			return nil, err
		}
		line.Color = color.Gray{Y: 160}
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
		p.Add(line)
	}
	pad := func(lo, hi float64) float64 { return (hi - lo) * 0.03 }
	quadrants, err := plotter.NewLabels(plotter.XYLabels{
		XYs: plotter.XYs{
			{X: xmin + pad(xmin, xmax), Y: ymax - pad(ymin, ymax)}, {X: midX + pad(xmin, xmax), Y: ymax - pad(ymin, ymax)},
			{X: xmin + pad(xmin, xmax), Y: ymin + pad(ymin, ymax)}, {X: midX + pad(xmin, xmax), Y: ymin + pad(ymin, ymax)},
		},
		Labels: []string{"Quick wins", "Big bets", "Fill-ins", "Money pits"},
	})
	if err != nil {
		return nil, err
	}
	for i := range quadrants.TextStyle {
		quadrants.TextStyle[i].Color = color.RGBA{R: 90, G: 110, B: 140, A: 255}
		quadrants.TextStyle[i].Font.Size = vg.Points(14)
	}
	p.Add(quadrants)

	if len(points) > 0 {
		xys := make(plotter.XYs, len(points))
		for i, pt := range points {
			xys[i] = plotter.XY{X: pt.Cost, Y: pt.Benefit}
		}
		scatter, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		scatter.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{R: 29, G: 59, B: 83, A: 255}, Radius: glyphRadius, Shape: draw.CircleGlyph{}}
		p.Add(scatter, newLabels(points))
	}
	w, err := p.WriterTo(vg.Length(Width)*vg.Inch/96, vg.Length(Height)*vg.Inch/96, "png")
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	return buf.Bytes(), nil
}

// bounds frames the points with a margin; an empty or flat set still gets a frame.
func bounds(points []Point) (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, p := range points {
		xmin, xmax = math.Min(xmin, p.Cost), math.Max(xmax, p.Cost)
		ymin, ymax = math.Min(ymin, p.Benefit), math.Max(ymax, p.Benefit)
	}
	if len(points) == 0 {
		return 0, 1, 0, 1
	}
	frame := func(lo, hi float64) (float64, float64) {
		if hi-lo < 1e-9 {
			return lo - 1, hi + 1
		}
		m := (hi - lo) * 0.12
		return lo - m, hi + m
	}
	xmin, xmax = frame(xmin, xmax)
	ymin, ymax = frame(ymin, ymax)
	return xmin, xmax, ymin, ymax
}

// Quadrants names the ideas in each quadrant of the picture Render draws
// of points, for people who cannot see it (the image's alt text): "Quick
// wins: #2 Export, #1 Dark mode. Money pits: #3 Mobile app." Empty
// quadrants are left out; it stays within max characters.
func Quadrants(points []Point, max int) string {
	xmin, xmax, ymin, ymax := bounds(points)
	midX, midY := (xmin+xmax)/2, (ymin+ymax)/2
	names := []string{"Quick wins", "Big bets", "Fill-ins", "Money pits"}
	groups := make([][]string, len(names))
	for _, p := range points {
		q := 0
		if p.Cost > midX {
			q++
		}
		if p.Benefit < midY {
			q += 2
		}
		groups[q] = append(groups[q], p.Label)
	}
	var parts []string
	for q, labels := range groups {
		if len(labels) > 0 {
			parts = append(parts, names[q]+": "+strings.Join(labels, ", ")+".")
		}
	}
	text := strings.Join(parts, " ")
	if r := []rune(text); len(r) > max {
		text = string(r[:max-1]) + "…"
	}
	return text
}
