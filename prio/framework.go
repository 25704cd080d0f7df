package prio

import (
	"math"
	"strconv"
	"strings"
)

// Criterion is one thing ideas are scored on.
type Criterion struct {
	ID     string    // stable storage id, unique across frameworks: "<framework>:<key>"
	Key    string    // what people type: value=8
	Name   string    // what people read
	Scale  []float64 // the values a vote or a score may take, ascending
	Higher bool      // a higher value makes an idea better (a benefit, not a cost)
	// Percent shows the scale as percentages: 0.8 reads 80%.
	Percent bool
	// Weight multiplies the criterion in a custom framework's sums (1 when 0).
	Weight float64
}

// Label writes a scale value as people type it: 8, 0.5, 80%.
// A median between two cards shows as such: 6.5, 65%.
func (c Criterion) Label(v float64) string {
	if c.percent() {
		return strconv.FormatFloat(math.Round(v*1e4)/1e2, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
}

func (c Criterion) percent() bool { return c.Percent }

// Parse reads a value typed for c ("8", "6.5", "0.5", "80%"): a card of
// the scale or, like a poker median, any number between its ends.
func (c Criterion) Parse(s string) (float64, error) {
	raw := strings.TrimSpace(s)
	pct := c.percent() && strings.HasSuffix(raw, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(raw, "%"), 64)
	lo, hi := c.Scale[0], c.Scale[len(c.Scale)-1]
	if pct {
		v /= 100
	}
	if err != nil || math.IsNaN(v) || v < lo-1e-9 || v > hi+1e-9 {
		return 0, Errorf(Invalid, "%s takes a number from %s to %s (the cards are %s), not “%s”.",
			c.Name, c.Label(lo), c.Label(hi), c.ScaleText(), Shorten(s, 20))
	}
	return math.Round(v*1e4) / 1e4, nil
}

// ScaleText lists the scale's cards: "1 2 3 5 8 13".
func (c Criterion) ScaleText() string {
	labels := make([]string, len(c.Scale))
	for i, v := range c.Scale {
		labels[i] = c.Label(v)
	}
	return strings.Join(labels, " ")
}

// Framework is a way of scoring a backlog: its criteria and formula.
// Adding one is adding an entry to Frameworks.
type Framework struct {
	Name     string
	Title    string
	Criteria []Criterion
	Formula  string                                   // for people: "value ÷ effort"
	score    func(v func(key string) float64) float64 // by criterion Key

	// The priority matrix plots benefit against cost, each axis marked at
	// these values (a criterion's cards, or round values of a product or
	// sum of them), lowest to highest possible.
	BenefitLabel, CostLabel string
	BenefitScale, CostScale []float64
	benefit, cost           func(v func(key string) float64) float64
	custom                  bool // a workspace's own (Custom), under the weighted rule
}

// Axes places a fully scored idea on the priority matrix.
func (f Framework) Axes(values map[string]float64) (benefit, cost float64) {
	v := func(key string) float64 { return values[f.Criterion(key).ID] }
	return f.benefit(v), f.cost(v)
}

// Score computes an idea's score from its criterion values (by ID). ok is
// false when a criterion of this framework has no value yet.
func (f Framework) Score(values map[string]float64) (score float64, ok bool) {
	for _, c := range f.Criteria {
		if _, has := values[c.ID]; !has {
			return 0, false
		}
	}
	s := f.score(func(key string) float64 { return values[f.Criterion(key).ID] })
	return math.Round(s*1e4) / 1e4, true
}

// Criterion returns the framework's criterion with the given key.
func (f Framework) Criterion(key string) Criterion {
	for _, c := range f.Criteria {
		if c.Key == key {
			return c
		}
	}
	return Criterion{}
}

// Explain writes how a score came about: "value 8 ÷ effort 3".
func (f Framework) Explain(values map[string]float64) string {
	if f.custom {
		return f.terms(values)
	}
	out := f.Formula
	for _, c := range f.Criteria {
		if v, ok := values[c.ID]; ok {
			out = strings.Replace(out, c.Key, c.Key+" "+c.Label(v), 1)
		}
	}
	return out
}

var (
	fibonacci   = []float64{1, 2, 3, 5, 8, 13}
	fibonacci20 = []float64{1, 2, 3, 5, 8, 13, 20}
	oneToTen    = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
)

// Frameworks are the scoring frameworks a backlog can use; the first is the default.
var Frameworks = []Framework{
	{
		Name: "value-effort", Title: "Value vs effort", Formula: "value ÷ effort",
		Criteria: []Criterion{
			{ID: "value-effort:value", Key: "value", Name: "Value", Scale: fibonacci, Higher: true},
			{ID: "value-effort:effort", Key: "effort", Name: "Effort", Scale: fibonacci},
		},
		score:        func(v func(string) float64) float64 { return v("value") / v("effort") },
		BenefitLabel: "Value", CostLabel: "Effort", BenefitScale: fibonacci, CostScale: fibonacci,
		benefit: func(v func(string) float64) float64 { return v("value") },
		cost:    func(v func(string) float64) float64 { return v("effort") },
	},
	{
		Name: "rice", Title: "RICE", Formula: "reach × impact × confidence ÷ effort",
		Criteria: []Criterion{
			{ID: "rice:reach", Key: "reach", Name: "Reach", Scale: fibonacci20, Higher: true},
			{ID: "rice:impact", Key: "impact", Name: "Impact", Scale: []float64{0.25, 0.5, 1, 2, 3}, Higher: true},
			{ID: "rice:confidence", Key: "confidence", Name: "Confidence", Scale: []float64{0.5, 0.8, 1}, Higher: true, Percent: true},
			{ID: "rice:effort", Key: "effort", Name: "Effort", Scale: []float64{0.5, 1, 2, 3, 5, 8}},
		},
		score:        func(v func(string) float64) float64 { return v("reach") * v("impact") * v("confidence") / v("effort") },
		BenefitLabel: "Reach × impact × confidence", CostLabel: "Effort",
		BenefitScale: []float64{0.125, 10, 20, 30, 40, 50, 60}, CostScale: []float64{0.5, 1, 2, 3, 5, 8},
		benefit: func(v func(string) float64) float64 { return v("reach") * v("impact") * v("confidence") },
		cost:    func(v func(string) float64) float64 { return v("effort") },
	},
	{
		Name: "ice", Title: "ICE", Formula: "impact × confidence × ease",
		Criteria: []Criterion{
			{ID: "ice:impact", Key: "impact", Name: "Impact", Scale: oneToTen, Higher: true},
			{ID: "ice:confidence", Key: "confidence", Name: "Confidence", Scale: oneToTen, Higher: true},
			{ID: "ice:ease", Key: "ease", Name: "Ease", Scale: oneToTen, Higher: true},
		},
		score:        func(v func(string) float64) float64 { return v("impact") * v("confidence") * v("ease") },
		BenefitLabel: "Impact × confidence", CostLabel: "Difficulty (11 − ease)",
		BenefitScale: []float64{1, 25, 50, 75, 100}, CostScale: oneToTen,
		benefit: func(v func(string) float64) float64 { return v("impact") * v("confidence") },
		cost:    func(v func(string) float64) float64 { return 11 - v("ease") },
	},
	{
		Name: "wsjf", Title: "WSJF", Formula: "(value + time + risk) ÷ size",
		Criteria: []Criterion{
			{ID: "wsjf:value", Key: "value", Name: "Business value", Scale: fibonacci20, Higher: true},
			{ID: "wsjf:time", Key: "time", Name: "Time criticality", Scale: fibonacci20, Higher: true},
			{ID: "wsjf:risk", Key: "risk", Name: "Risk reduction", Scale: fibonacci20, Higher: true},
			{ID: "wsjf:size", Key: "size", Name: "Job size", Scale: fibonacci20},
		},
		score:        func(v func(string) float64) float64 { return (v("value") + v("time") + v("risk")) / v("size") },
		BenefitLabel: "Value + time + risk", CostLabel: "Job size",
		BenefitScale: []float64{3, 15, 30, 45, 60}, CostScale: fibonacci20,
		benefit: func(v func(string) float64) float64 { return v("value") + v("time") + v("risk") },
		cost:    func(v func(string) float64) float64 { return v("size") },
	},
}

// DefaultFramework is the framework of a new backlog.
var DefaultFramework = Frameworks[0]

// LookupFramework finds a framework by name; "" is the default.
func LookupFramework(name string) (Framework, error) {
	if name == "" {
		return DefaultFramework, nil
	}
	for _, f := range Frameworks {
		if strings.EqualFold(f.Name, strings.TrimSpace(name)) {
			return f, nil
		}
	}
	names := make([]string, len(Frameworks))
	for i, f := range Frameworks {
		names[i] = f.Name
	}
	return Framework{}, Errorf(Invalid, "There is no framework %s. Pick one of: %s.", Quote(name), strings.Join(names, ", "))
}

// FormatScore writes a score for people: 2.67, 12, 0.4.
func FormatScore(s float64) string {
	return strconv.FormatFloat(math.Round(s*100)/100, 'f', -1, 64)
}

// unknownCriterion is the answer to a criterion key the framework lacks.
func unknownCriterion(f Framework, key string) error {
	keys := make([]string, len(f.Criteria))
	for i, c := range f.Criteria {
		keys[i] = c.Key
	}
	return Errorf(Invalid, "This backlog scores with %s, which has no %s. Its criteria: %s.", f.Name, Quote(key), strings.Join(keys, ", "))
}
