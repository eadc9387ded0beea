package render_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/sitetest"
)

// What Hugo logs reaches the guide by its level, from the logger's hook: a
// template's warnf goes on to the log as Hugo prints it, and its errorf
// fails the render with the error at its place, not in the log.
func TestHugoLog(t *testing.T) {
	src := sitetest.Site(t, "")
	sitetest.Edit(t, src, "layouts/page.html", `{{ define "main" }}`,
		`{{ define "main" }}{{ warnf "a note from %s" .File.BaseFileName }}`)
	var log bytes.Buffer
	if _, err := render.Render(context.Background(), load(t, src), &log); err != nil {
		t.Fatalf("a warning failed the render: %v", err)
	}
	if !strings.Contains(log.String(), "WARN  a note from about\n") {
		t.Errorf("the warning is not in the log:\n%s", log.String())
	}

	src = sitetest.Site(t, "")
	sitetest.Edit(t, src, "layouts/page.html", `{{ define "main" }}`,
		`{{ define "main" }}{{ if eq .File.BaseFileName "about" }}{{ errorf "%s:3:1: a problem" .File.Filename }}{{ end }}`)
	log.Reset()
	_, err := render.Render(context.Background(), load(t, src), &log)
	if err == nil || err.Error() != "content/about.md:3:1: a problem" {
		t.Errorf("got %v, want the template's error at its place", err)
	}
	if strings.Contains(log.String(), "a problem") {
		t.Errorf("the error went to the log too:\n%s", log.String())
	}
}
