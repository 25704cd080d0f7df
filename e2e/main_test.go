// Package e2e drives priobot as people and operators do: through the
// in-repo Slack emulator, a real redis-server, the product binary for the
// process-level tests (SIGTERM, kill, restart, configuration), and a
// headless Chromium for the playground. Files are grouped by ritual:
// ideas_, capture_, poker_, summaries_, outbox_ and webhooks_,
// operations_, playground_.
package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain has this process, and the priobot processes tests start, trust
// httptest's certificate (see trustTestCertificate), and removes the
// product binary built for the run.
func TestMain(m *testing.M) {
	trustTestCertificate()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is the product binary, built at most once per test run and only
// when a test runs a process.
var built struct {
	once      sync.Once
	dir, path string
	err       error
	out       []byte
}

// binary is the path of the product binary (the repository's root package,
// built as the Dockerfile builds it).
func binary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "priobot-e2e"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "priobot")
		cmd := exec.Command("go", "build", "-trimpath", "-o", built.path, "github.com/priobot/priobot")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		built.out, built.err = cmd.CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("building priobot: %v\n%s", built.err, built.out)
	}
	return built.path
}
