package manifest_test

import (
	"os"
	"testing"

	"github.com/priobot/priobot/internal/manifest"
)

// TestCopyIsTheRootManifest: the emulator must offer what Slack users
// install, so the embedded copy is the root's file, byte for byte.
func TestCopyIsTheRootManifest(t *testing.T) {
	root, err := os.ReadFile("../../slack-app-manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	if string(root) != manifest.YAML {
		t.Error("internal/manifest/slack-app-manifest.yml differs from the root's slack-app-manifest.yml: run `go generate ./internal/manifest`")
	}
}
