package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProductCarriesOnlyTheProduct: the binary the image ships holds no
// emulator, playground, embedded Redis, browser driver or test helper.
// (gorilla/websocket stays: slack-go's Socket Mode client speaks through it.)
func TestProductCarriesOnlyTheProduct(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "github.com/priobot/priobot").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	workshop := []string{
		"github.com/priobot/priobot/slackemu", "github.com/priobot/priobot/internal/playground",
		"github.com/priobot/priobot/internal/manifest", "github.com/priobot/priobot/store/embedded",
		"github.com/priobot/priobot/internal/redistest", "github.com/priobot/priobot/internal/testlog",
		"github.com/priobot/priobot/githubemu",
		"github.com/alicebob/miniredis", "github.com/yuin/gopher-lua", "github.com/chromedp",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, w := range workshop {
			if strings.HasPrefix(dep, w) {
				t.Errorf("the product binary imports %s", dep)
			}
		}
	}
}
