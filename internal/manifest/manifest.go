// Package manifest holds priobot's Slack app manifest for the programs that
// play Slack's part (the playground, the end-to-end tests): their emulator
// offers its slash commands and shortcuts, as Slack does once the app is
// created. The file people paste into Slack is slack-app-manifest.yml at the
// repository's root; this copy is kept equal to it by go generate, and a
// test fails when they differ.
package manifest

import _ "embed"

//go:generate cp ../../slack-app-manifest.yml slack-app-manifest.yml

// YAML is the app manifest.
//
//go:embed slack-app-manifest.yml
var YAML string
