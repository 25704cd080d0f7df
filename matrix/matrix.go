// Package matrix draws a backlog's priority matrix: benefit against cost,
// one labelled point per ranked idea, the four quadrants named. It knows
// nothing of Slack or Redis.
package matrix

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
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

// Axes are the scales of the matrix: the values each axis marks (a
// criterion's cards, or round values of a product or sum of them), lowest
// first. Each divider sits at the middle of its scale, by the same rule.
type Axes struct {
	Benefit, Cost []float64
}

// Dividers are where the quadrants split: the middle of each scale.
func (a Axes) Dividers() (cost, benefit float64) {
	mid := func(s []float64) float64 { return (s[0] + s[len(s)-1]) / 2 }
	return mid(a.Cost), mid(a.Benefit)
}

// quadrant says which quadrant a point is in, 0 to 3 as quadrantNames: a
// point on the cost divider counts as low cost, one on the benefit
// divider as high benefit.
func (a Axes) quadrant(p Point) int {
	midX, midY := a.Dividers()
	q := 0
	if p.Cost > midX {
		q++
	}
	if p.Benefit < midY {
		q += 2
	}
	return q
}

var quadrantNames = []string{"Quick wins", "Big bets", "Fill-ins", "Money pits"}

// onDivider says whether a point sits exactly on a divider.
func (a Axes) onDivider(p Point) bool {
	midX, midY := a.Dividers()
	return p.Cost == midX || p.Benefit == midY
}

// Render draws points as a PNG, each labelled where its label stays
// legible (see placeLabels); give them best first. The axes span their
// scales, marked at its values, and the quadrants split each at its middle:
// quick wins (high benefit, low cost), big bets (high, high), fill-ins
// (low, low) and money pits (low benefit, high cost). A point on a divider
// is drawn a little into the quadrant it counts in.
func Render(title, benefitLabel, costLabel string, axes Axes, points []Point) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = costLabel + " (cost) →"
	p.Y.Label.Text = benefitLabel + " (benefit) →"
	xmin, xmax, ymin, ymax := bounds(axes)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks(axes.Cost), ticks(axes.Benefit)
	midX, midY := axes.Dividers()

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
		Labels: quadrantNames,
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
			nudgeX, nudgeY := (xmax-xmin)*0.012, (ymax-ymin)*0.012
			if pt.Cost == midX {
				xys[i].X -= nudgeX // counted as low cost
			}
			if pt.Benefit == midY {
				xys[i].Y += nudgeY // counted as high benefit
			}
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

// bounds frames the scales with a margin, so a point at either end of
// one is drawn whole.
func bounds(a Axes) (xmin, xmax, ymin, ymax float64) {
	frame := func(s []float64) (float64, float64) {
		lo, hi := s[0], s[len(s)-1]
		m := math.Max((hi-lo)*0.06, 1e-3)
		return lo - m, hi + m
	}
	xmin, xmax = frame(a.Cost)
	ymin, ymax = frame(a.Benefit)
	return xmin, xmax, ymin, ymax
}

// ticks marks an axis at its scale's values.
func ticks(scale []float64) plot.ConstantTicks {
	out := make(plot.ConstantTicks, len(scale))
	for i, v := range scale {
		out[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	return out
}

// Quadrants names the ideas in each quadrant of the picture Render draws
// of points, for people who cannot see it (the image's alt text): "Quick
// wins: #2 Export, #1 Dark mode (on a divider). Money pits: #3 Mobile
// app." Empty quadrants are left out; it stays within max characters.
func Quadrants(axes Axes, points []Point, max int) string {
	groups := make([][]string, len(quadrantNames))
	for _, p := range points {
		label := p.Label
		if axes.onDivider(p) {
			label += " (on a divider)"
		}
		q := axes.quadrant(p)
		groups[q] = append(groups[q], label)
	}
	var parts []string
	for q, labels := range groups {
		if len(labels) > 0 {
			parts = append(parts, quadrantNames[q]+": "+strings.Join(labels, ", ")+".")
		}
	}
	text := strings.Join(parts, " ")
	if r := []rune(text); len(r) > max {
		text = string(r[:max-1]) + "…"
	}
	return text
}
