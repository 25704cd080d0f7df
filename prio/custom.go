package prio

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A workspace's own frameworks: criteria with scales, each a benefit or a
// cost, with a weight. Their score is one rule, the weighted sum of the
// benefits divided by the weighted sum of the costs (the benefits' sum
// alone when there is no cost); value-effort is that rule with one of each.

// Limits of a custom framework.
const (
	MaxCriteria   = 6
	MinScaleCards = 2
	MaxScaleCards = 10
)

var (
	frameworkName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,29}$`)
	criterionKey  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	// "reach (1 2 3 5 8 13) benefit ×2"
	criterionDef = regexp.MustCompile(`^([^\s(]+)\s*\(([^)]*)\)\s*([A-Za-z]+)\s*(?:[×xX*]\s*([^\s]+))?$`)
)

// ParseFramework reads a framework as typed after `/backlog framework new`:
// "growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit,
// effort (1 2 3 5 8) cost".
func ParseFramework(text string) (Framework, error) {
	name, body, ok := strings.Cut(strings.TrimSpace(text), ":")
	name = strings.TrimSpace(name)
	if !ok || strings.TrimSpace(body) == "" {
		return Framework{}, Errorf(Invalid, "Write the framework as `name: criterion (values) benefit|cost [×weight], …`, "+
			"like `growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost`.")
	}
	if !frameworkName.MatchString(name) {
		return Framework{}, Errorf(Invalid, "%s is not a framework name: use lower-case letters, digits and dashes, up to 30.", Quote(name))
	}
	for _, f := range Frameworks {
		if f.Name == name {
			return Framework{}, Errorf(Conflict, "%s is a built-in framework; name yours otherwise.", Quote(name))
		}
	}
	parts := strings.Split(body, ",")
	if len(parts) > MaxCriteria {
		return Framework{}, Errorf(Invalid, "A framework has 1 to %d criteria; this one has %d.", MaxCriteria, len(parts))
	}
	var criteria []Criterion
	for _, part := range parts {
		c, err := parseCriterion(name, strings.TrimSpace(part))
		if err != nil {
			return Framework{}, err
		}
		if slices.ContainsFunc(criteria, func(o Criterion) bool { return o.Key == c.Key }) {
			return Framework{}, Errorf(Invalid, "%s is named twice; each criterion once.", Quote(c.Key))
		}
		criteria = append(criteria, c)
	}
	if !slices.ContainsFunc(criteria, func(c Criterion) bool { return c.Higher }) {
		return Framework{}, Errorf(Invalid, "A framework needs at least one benefit criterion: what makes an idea worth doing.")
	}
	return Custom(name, criteria), nil
}

// parseCriterion reads "reach (1 2 3 5 8 13) benefit ×2".
func parseCriterion(framework, text string) (Criterion, error) {
	m := criterionDef.FindStringSubmatch(text)
	if m == nil {
		return Criterion{}, Errorf(Invalid, "%s is not a criterion: write `name (values) benefit|cost [×weight]`, like `reach (1 2 3 5 8) benefit ×2`.", Quote(text))
	}
	key, kind, weight := strings.ToLower(m[1]), strings.ToLower(m[3]), 1.0
	if !criterionKey.MatchString(key) {
		return Criterion{}, Errorf(Invalid, "%s is not a criterion name: a lower-case word (letters, digits, dashes), up to 20.", Quote(m[1]))
	}
	if kind != "benefit" && kind != "cost" {
		return Criterion{}, Errorf(Invalid, "%s is a benefit or a cost, not %s.", key, Quote(m[3]))
	}
	if m[4] != "" {
		w, err := strconv.ParseFloat(m[4], 64)
		if err != nil || math.IsNaN(w) || math.IsInf(w, 0) || w <= 0 || w > 100 {
			return Criterion{}, Errorf(Invalid, "%s's weight is a number above 0 (up to 100), not %s.", key, Quote(m[4]))
		}
		weight = w
	}
	scale, percent, err := parseScale(key, m[2])
	if err != nil {
		return Criterion{}, err
	}
	return Criterion{ID: framework + ":" + key, Key: key, Name: strings.ToUpper(key[:1]) + strings.ReplaceAll(key[1:], "-", " "),
		Scale: scale, Higher: kind == "benefit", Percent: percent, Weight: weight}, nil
}

// parseScale reads a scale: 2 to 10 increasing numbers, decimals or
// percentages (all of them, or none).
func parseScale(key, text string) ([]float64, bool, error) {
	words := strings.Fields(text)
	if len(words) < MinScaleCards || len(words) > MaxScaleCards {
		return nil, false, Errorf(Invalid, "%s's scale has %d to %d values; it has %d.", key, MinScaleCards, MaxScaleCards, len(words))
	}
	percent := strings.HasSuffix(words[0], "%")
	var scale []float64
	for _, w := range words {
		if strings.HasSuffix(w, "%") != percent {
			return nil, false, Errorf(Invalid, "%s's scale mixes percentages and numbers: write all of them one way.", key)
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(w, "%"), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e6 {
			return nil, false, Errorf(Invalid, "%s's scale takes numbers from 0 to 1,000,000, not %s.", key, Quote(w))
		}
		if percent {
			v /= 100
		}
		if len(scale) > 0 && v <= scale[len(scale)-1] {
			return nil, false, Errorf(Invalid, "%s's scale must increase: %s does not come after %s.", key, Quote(w), words[len(scale)-1])
		}
		scale = append(scale, math.Round(v*1e4)/1e4)
	}
	return scale, percent, nil
}

// Custom is the framework of criteria under the weighted rule.
func Custom(name string, criteria []Criterion) Framework {
	w := func(c Criterion) float64 {
		if c.Weight == 0 {
			return 1
		}
		return c.Weight
	}
	sum := func(higher bool, v func(string) float64) float64 {
		total := 0.0
		for _, c := range criteria {
			if c.Higher == higher {
				total += w(c) * v(c.Key)
			}
		}
		return total
	}
	hasCost := slices.ContainsFunc(criteria, func(c Criterion) bool { return !c.Higher })
	f := Framework{Name: name, Title: name, Criteria: criteria, custom: true,
		BenefitLabel: "Benefit", CostLabel: "Cost",
		benefit: func(v func(string) float64) float64 { return sum(true, v) },
		cost: func(v func(string) float64) float64 {
			if !hasCost {
				return 1
			}
			return sum(false, v)
		},
	}
	f.score = func(v func(string) float64) float64 {
		cost := f.cost(v)
		if cost == 0 {
			return 0
		}
		return f.benefit(v) / cost
	}
	f.Formula = f.terms(nil)
	f.BenefitScale, f.CostScale = axisScale(criteria, true, w), axisScale(criteria, false, w)
	if !hasCost {
		f.CostScale = []float64{1}
	}
	return f
}

// terms writes the weighted rule, with values when given: "(2 × reach +
// impact) ÷ effort", or "(2 × reach 8 + impact 3) ÷ effort 3".
func (f Framework) terms(values map[string]float64) string {
	side := func(higher bool) (string, int) {
		var parts []string
		for _, c := range f.Criteria {
			if c.Higher != higher {
				continue
			}
			t := c.Key
			if v, ok := values[c.ID]; ok {
				t += " " + c.Label(v)
			}
			if c.Weight != 0 && c.Weight != 1 {
				t = strconv.FormatFloat(c.Weight, 'f', -1, 64) + " × " + t
			}
			parts = append(parts, t)
		}
		return strings.Join(parts, " + "), len(parts)
	}
	group := func(s string, n int) string {
		if n > 1 {
			return "(" + s + ")"
		}
		return s
	}
	benefit, nb := side(true)
	cost, nc := side(false)
	if nc == 0 {
		return benefit
	}
	return group(benefit, nb) + " ÷ " + group(cost, nc)
}

// axisScale marks a custom framework's matrix axis: a lone criterion of
// weight 1 by its cards, else five round values from the lowest sum to
// the highest.
func axisScale(criteria []Criterion, higher bool, w func(Criterion) float64) []float64 {
	var side []Criterion
	for _, c := range criteria {
		if c.Higher == higher {
			side = append(side, c)
		}
	}
	if len(side) == 1 && w(side[0]) == 1 {
		return side[0].Scale
	}
	lo, hi := 0.0, 0.0
	for _, c := range side {
		lo += w(c) * c.Scale[0]
		hi += w(c) * c.Scale[len(c.Scale)-1]
	}
	out := []float64{lo}
	for i := 1; i < 4; i++ {
		out = append(out, math.Round((lo+(hi-lo)*float64(i)/4)*100)/100)
	}
	return append(out, hi)
}

// Definition writes a framework as `/backlog framework new` reads it.
func (f Framework) Definition() string {
	var parts []string
	for _, c := range f.Criteria {
		kind := "cost"
		if c.Higher {
			kind = "benefit"
		}
		part := fmt.Sprintf("%s (%s) %s", c.Key, c.ScaleText(), kind)
		if c.Weight != 0 && c.Weight != 1 {
			part += " ×" + strconv.FormatFloat(c.Weight, 'f', -1, 64)
		}
		parts = append(parts, part)
	}
	return f.Name + ": " + strings.Join(parts, ", ")
}

// IsCustom says whether a workspace defined the framework.
func (f Framework) IsCustom() bool { return f.custom }

// FrameworkFor is the framework a backlog, a session or an event names: a
// built-in by its name, else the workspace's, by the definition stored
// with the name (so reading one needs no other lookup).
func FrameworkFor(name, def string) (Framework, error) {
	if def == "" {
		return LookupFramework(name)
	}
	fw, err := ParseFramework(def)
	if err != nil {
		return Framework{}, err
	}
	if fw.Name != name {
		return Framework{}, Errorf(Internal, "framework %q stored with the definition of %q", name, fw.Name)
	}
	return fw, nil
}

// WorkspaceFramework is a framework a workspace defined, with its
// revision (an edit names the one it read) and who last defined it.
type WorkspaceFramework struct {
	Framework
	Rev int64
	By  string
	At  time.Time
}
