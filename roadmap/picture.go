package roadmap

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/priobot/priobot/prio"
)

// The picture's layout, in pixels at 96 per inch: a column per lane, a
// swimlane per goal, a box per idea.
const (
	headW  = 180 // the goals' names
	laneW  = 300
	boxH   = 24
	gap    = 4
	titleH = 40
	labelN = 34 // characters of a title a box shows
)

var (
	ink      = color.RGBA{R: 29, G: 59, B: 83, A: 255}
	faint    = color.RGBA{R: 90, G: 110, B: 140, A: 255}
	rule     = color.Gray{Y: 200}
	laneFill = map[prio.Lane]color.Color{
		prio.Now:   color.RGBA{R: 214, G: 234, B: 223, A: 255},
		prio.Next:  color.RGBA{R: 220, G: 230, B: 245, A: 255},
		prio.Later: color.RGBA{R: 236, G: 236, B: 236, A: 255},
	}
)

// Draw draws the roadmap as a PNG: lanes as columns, goals as swimlanes,
// each idea a box labelled with its number and short title. Titles are
// drawn as text, never read as markup.
func Draw(s Snapshot, title string) ([]byte, error) {
	rows := s.Grid()
	heights := make([]int, len(rows))
	total := titleH + boxH
	for i, r := range rows {
		most := 1
		for _, l := range prio.Lanes {
			most = max(most, r.Cells[l].Count)
		}
		heights[i] = most*(boxH+gap) + 2*gap
		total += heights[i]
	}
	width := headW + len(prio.Lanes)*laneW
	px := func(n int) vg.Length { return vg.Length(n) * vg.Inch / 96 }
	img := vgimg.NewWith(vgimg.UseWH(px(width), px(total)), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	c := draw.New(img)
	style := func(size float64, col color.Color) text.Style {
		return text.Style{Color: col, Font: font.From(plot.DefaultFont, vg.Points(size)), Handler: plot.DefaultTextHandler,
			YAlign: draw.YCenter}
	}
	// y grows upwards on the canvas: top is the picture's height.
	at := func(x, yFromTop int) vg.Point { return vg.Point{X: px(x), Y: px(total - yFromTop)} }
	rect := func(x, y, w, h int, fill color.Color) {
		c.FillPolygon(fill, []vg.Point{at(x, y), at(x+w, y), at(x+w, y+h), at(x, y+h)})
	}
	c.FillText(style(14, ink), at(gap*2, titleH/2), title)
	for i, l := range prio.Lanes {
		x := headW + i*laneW
		rect(x+gap, titleH, laneW-2*gap, boxH, laneFill[l])
		c.FillText(style(12, ink), at(x+3*gap, titleH+boxH/2), fmt.Sprintf("%s (%d)", l.Title(), len(s.Lane(l))))
	}
	y := titleH + boxH
	byGoal := map[int64]map[prio.Lane][]prio.Idea{}
	for _, idea := range s.Ideas {
		g := goalRow(s, idea.Goal)
		if byGoal[g] == nil {
			byGoal[g] = map[prio.Lane][]prio.Idea{}
		}
		byGoal[g][idea.Lane()] = append(byGoal[g][idea.Lane()], idea)
	}
	for i, r := range rows {
		c.StrokeLine2(draw.LineStyle{Color: rule, Width: vg.Points(0.75)}, px(0), at(0, y).Y, px(width), at(0, y).Y)
		c.FillText(style(11, faint), at(gap*2, y+boxH/2+gap), shorten(r.Goal.Name, 26))
		for j, l := range prio.Lanes {
			x := headW + j*laneW
			for k, idea := range byGoal[r.Goal.ID][l] {
				top := y + gap + k*(boxH+gap)
				rect(x+gap, top, laneW-2*gap, boxH, laneFill[l])
				c.FillText(style(10, ink), at(x+3*gap, top+boxH/2), fmt.Sprintf("#%d %s", idea.Number, shorten(idea.Title, labelN)))
			}
		}
		y += heights[i]
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("roadmap: %w", err)
	}
	return buf.Bytes(), nil
}

// goalRow is the row an idea's goal puts it in: its goal's, or none's (0)
// when it has none or its goal was removed.
func goalRow(s Snapshot, goal int64) int64 {
	if s.GoalName(goal) == "" {
		return 0
	}
	return goal
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Alt says what the picture shows, for screen readers: each lane's ideas
// by goal.
func Alt(s Snapshot, title string) string {
	parts := []string{title + ": lanes Now, Next and Later, goals as rows."}
	for _, l := range prio.Lanes {
		ideas := s.Lane(l)
		if len(ideas) == 0 {
			parts = append(parts, l.Title()+": nothing.")
			continue
		}
		var names []string
		for _, idea := range ideas {
			name := fmt.Sprintf("#%d %s", idea.Number, shorten(idea.Title, 60))
			if g := s.GoalName(idea.Goal); g != "" {
				name += " (" + g + ")"
			}
			names = append(names, name)
		}
		parts = append(parts, fmt.Sprintf("%s, %d: %s.", l.Title(), len(ideas), strings.Join(names, "; ")))
	}
	return strings.Join(parts, " ")
}
