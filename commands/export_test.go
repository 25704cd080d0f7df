package commands

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
)

// Text people typed reaches the export as typed, except that a cell a
// spreadsheet would run as a formula starts with a quote.
func TestExportDefusesFormulas(t *testing.T) {
	fw, err := prio.LookupFramework("value-effort")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ typed, cell string }{
		{`=HYPERLINK("http://evil.example","Click")`, `'=HYPERLINK("http://evil.example","Click")`},
		{"+1+2", "'+1+2"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tpadded", "'\tpadded"},
		{"Dark mode, with = inside", "Dark mode, with = inside"},
		{"Ünïcode → fine", "Ünïcode → fine"},
	}
	for _, tt := range tests {
		idea := prio.Idea{Number: 1, Title: tt.typed, Description: tt.typed, AuthorName: tt.typed, Reason: tt.typed, Status: prio.StatusDeclined}
		data, err := backlogCSV([]prio.Idea{idea}, nil, fw, nil, "product")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		if err != nil {
			t.Fatalf("%q: not CSV: %v", tt.typed, err)
		}
		got := map[string]string{}
		for i, name := range rows[0] {
			got[name] = rows[1][i]
		}
		want := map[string]string{"title": tt.cell, "description": tt.cell, "author_name": tt.cell, "reason": tt.cell}
		for name := range want {
			if diff := cmp.Diff(want[name], got[name]); diff != "" {
				t.Errorf("%q in %s (-want +got):\n%s", tt.typed, name, diff)
			}
		}
	}
}
