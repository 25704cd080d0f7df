package prio

import (
	"strings"
	"unicode"
)

// OpenStatuses are the statuses of ideas still in play.
var OpenStatuses = []Status{StatusNew, StatusRanked, StatusPlanned, StatusInProgress}

// ClosedStatuses are the statuses an idea leaves play with; reopen undoes them.
var ClosedStatuses = []Status{StatusShipped, StatusDeclined, StatusMerged}

// AllStatuses in the order listings count them.
var AllStatuses = append(append([]Status(nil), OpenStatuses...), ClosedStatuses...)

// SimilarThreshold is how alike two titles must be (0..1) for the author of
// the newer one to be asked whether it is the same idea.
const SimilarThreshold = 0.6

// Similarity compares two titles by their significant words (Jaccard index
// of word sets, ignoring case, punctuation and filler words): 1 is the same
// words, 0 nothing in common.
func Similarity(a, b string) float64 {
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return float64(common) / float64(len(wa)+len(wb)-common)
}

var filler = map[string]bool{"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true,
	"for": true, "in": true, "on": true, "with": true, "add": true, "support": true, "please": true, "we": true, "should": true}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !filler[w] {
			out[strings.TrimSuffix(w, "s")] = true
		}
	}
	return out
}
