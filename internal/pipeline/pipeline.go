// Package pipeline runs the guide's build from source to published folder:
//
//	settings (hugo.toml, read once)
//	  → check (lint) alongside render (Hugo, into one output tree in
//	    memory)
//	  → structure (rules on Hugo's page model: front matter, translation
//	    parity, #fragments, shortcuts) alongside offline (icons, preview
//	    images, QR codes, precache list, sw.js, _headers, added to the
//	    tree; each minified by shrink) → verify (links, manifests,
//	    budgets, on the tree)
//	  → publish (the tree written once to a staging folder, then swapped
//	    in for the destination)
//
// Each stage is its own package. This one wires them together, and before
// any stage runs it checks the source and destination folders and the
// files every build reads. Nothing is written to disk before every check
// has passed, and then only to the staging folder, so a failure at any
// stage leaves the destination as it was; what verify checked is, byte
// for byte, what is published. A stage's errors about the content win
// over those of a stage running alongside it.
package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/lint"
	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/publish"
	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/shrink"
	"github.com/okcguide/guide/internal/structure"
	"github.com/okcguide/guide/internal/verify"
)

// Options configures one build.
type Options struct {
	Source string // site source directory
	Dest   string // destination folder, replaced atomically
	// Preview builds for live preview: Hugo's development environment and
	// no service worker, so edits show at once.
	Preview bool
	// Log receives Hugo's warnings.
	Log io.Writer
	// BaseURL, if set, is where the guide will live, like
	// https://example.org/okc/guide/; it overrides baseURL in hugo.toml.
	BaseURL string
}

// Summary describes a finished build.
type Summary struct {
	// Report is what the verify stage measured, page count included.
	Report   *verify.Report
	Duration time.Duration
	// CSP is the pages' Content-Security-Policy (params.csp).
	CSP string
	// Stages is how long each stage took, in order.
	Stages []StageTime
	// noQR is set when the build drew no QR code (it has no base URL):
	// once it is published, Build says so in a note.
	noQR bool
}

// StageTime is one stage's wall time. The content check runs alongside
// render, and structure alongside offline and verify, so the times add up
// to more than the build's.
type StageTime struct {
	Name string
	Took time.Duration
}

// timer records stage times into a summary.
type timer struct {
	last   time.Time
	stages []StageTime
}

func (t *timer) done(name string) {
	now := time.Now()
	t.stages = append(t.stages, StageTime{name, now.Sub(t.last)})
	t.last = now
}

// String is the one-line summary `guide build` prints.
func (s *Summary) String() string {
	r := s.Report
	return fmt.Sprintf("built %d pages, %d files, %s; largest page %s gzip with CSS (%s); precache %s; JS %s gzip; %s",
		r.Pages, r.Files, kb(r.TotalBytes), kb(r.LargestGzip), r.LargestPage, kb(r.PrecacheBytes), kb(r.JSGzip),
		s.Duration.Round(time.Millisecond))
}

func kb(n int64) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }

// Build runs every stage and publishes the result to opts.Dest. When ctx
// is cancelled (the user pressed Ctrl-C), Build stops render at the next
// file it would write and the other stages after the one under way,
// removes its staging folder and returns ctx's error; the destination is
// left as it was.
func Build(ctx context.Context, opts Options) (*Summary, error) {
	start := time.Now()
	src, err := filepath.Abs(opts.Source)
	if err != nil {
		return nil, err
	}
	dest, err := filepath.Abs(opts.Dest)
	if err != nil {
		return nil, err
	}
	if err := settings.CheckSource(opts.Source); err != nil {
		return nil, err
	}
	if err := checkDestination(src, dest); err != nil {
		return nil, err
	}
	if err := precheck(src); err != nil {
		return nil, err
	}
	env := "production"
	if opts.Preview {
		env = "development"
	}
	var hugoLog bytes.Buffer
	cfg, err := settings.Load(settings.Options{Source: src, Environment: env, BaseURL: opts.BaseURL, Log: &hugoLog})
	if err != nil {
		return nil, err
	}
	budgets := cfg.Guide.Budgets
	if opts.Preview {
		budgets = settings.Budgets{}
	}
	// The content check runs alongside render, which writes only to
	// memory: its errors win, and stop render.
	renderCtx, stopRender := context.WithCancel(ctx)
	defer stopRender()
	checks := make(chan contentCheck, 1)
	go func() {
		t := time.Now()
		outlines, err := checkContent(cfg, opts.Log)
		if err != nil {
			stopRender()
		}
		checks <- contentCheck{outlines, err, StageTime{"check", time.Since(t)}}
	}()
	renderStart := time.Now()
	site, renderErr := render.Render(renderCtx, cfg, &hugoLog)
	rendered := StageTime{"render", time.Since(renderStart)}
	if site != nil {
		defer site.Close()
	}
	checked := <-checks
	if checked.err != nil {
		return nil, checked.err
	}
	if opts.Log != nil {
		opts.Log.Write(hugoLog.Bytes())
	}
	// Ctrl-C during the check or render stops here, with nothing written.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if renderErr != nil {
		return nil, renderErr
	}
	staging, err := publish.Prepare(dest)
	if err != nil {
		return nil, err
	}
	// A build that fails from here removes its staging folder; once Swap
	// has put it in place, the staging path is Swap's to tidy.
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(staging)
		}
	}()
	sum, tree, err := stages(ctx, cfg, site, budgets, opts, checked.outlines)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	t := time.Now()
	if err := publish.Write(afero.NewIOFS(tree), staging, dest); err != nil {
		return nil, err
	}
	if err := publish.Swap(staging, dest); err != nil {
		return nil, err
	}
	swapped = true
	sum.Stages = append(append([]StageTime{checked.took, rendered}, sum.Stages...), StageTime{"publish", time.Since(t)})
	if sum.noQR && opts.Log != nil {
		fmt.Fprintln(opts.Log, NoQRNote)
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// Check is guide check: the content check a build runs, on the same
// safeguards, without publishing. The linter runs; when it finds no
// error, the site is rendered, in memory, for the rules on Hugo's model
// of it (package structure), whose errors, or render's, join the
// linter's. Hugo's warnings go to log, if not nil. When
// ctx is cancelled, Check returns ctx's error.
func Check(ctx context.Context, source string, log io.Writer) (*lint.Result, error) {
	src, err := filepath.Abs(source)
	if err != nil {
		return nil, err
	}
	if err := settings.CheckSource(source); err != nil {
		return nil, err
	}
	if err := precheck(src); err != nil {
		return nil, err
	}
	cfg, err := settings.Load(settings.Options{Source: src, Log: log})
	if err != nil {
		return nil, err
	}
	res, err := lint.Run(lint.Options{Site: cfg})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil || len(res.Errors) > 0 {
		return res, err
	}
	site, err := render.Render(ctx, cfg, log)
	if site != nil {
		defer site.Close()
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		res.Errors = append(res.Errors, diag.AsList(err)...)
	} else {
		res.Errors = append(res.Errors, structure.Check(site.Hugo, cfg, res.Outlines)...)
	}
	return res, nil
}

// NoQRNote is what a build without a base URL says, once: it has no
// address for the QR code of the flyer and the print card.
const NoQRNote = "note: the flyer and the print card have no QR code, since the build does not know the guide's address; build with -base-url (like -base-url https://example.org/okc/guide/) or set baseURL in hugo.toml to add it"

// requiredAssets are the source files every build reads.
var requiredAssets = []string{"assets/css/main.css", "assets/js/register.js", "assets/js/install.js", offline.WorkerTemplate, offline.IconSource, offline.PreviewSource}

// checkDestination refuses a destination that would take source files with
// it: the build replaces the destination folder whole.
func checkDestination(src, dest string) error {
	if dest == src || strings.HasPrefix(src, dest+string(filepath.Separator)) {
		return &diag.Error{File: dest, Msg: "the destination holds the site's source; choose another folder, like public"}
	}
	for _, name := range render.Inputs {
		in := filepath.Join(src, name)
		if dest == in || strings.HasPrefix(dest, in+string(filepath.Separator)) {
			return &diag.Error{File: dest, Msg: fmt.Sprintf("the destination is inside the site's %s, which the build would replace; choose another folder, like public", name)}
		}
	}
	for _, name := range []string{"hugo.toml", "go.mod", ".git", "content"} {
		if _, err := os.Stat(filepath.Join(dest, name)); err == nil {
			return &diag.Error{File: dest, Msg: fmt.Sprintf("the destination has %s in it, so it is not a build folder; choose another folder, like public", name)}
		}
	}
	return nil
}

// precheck catches, before any work, the problems that would otherwise
// surface as confusing errors deep inside a stage.
func precheck(src string) error {
	for _, f := range requiredAssets {
		if fi, err := os.Stat(filepath.Join(src, filepath.FromSlash(f))); err != nil || fi.IsDir() {
			return &diag.Error{File: f, Msg: "missing: every page needs this file"}
		}
	}
	pages, _ := filepath.Glob(filepath.Join(src, "content", "*.md"))
	if len(pages) == 0 {
		return &diag.Error{File: "content", Msg: "no pages: content/ has no markdown files"}
	}
	return nil
}

// checkContent runs the content linter (guide check). Its errors stop the
// build before anything is written; its warnings go to log. It returns the
// pages' outlines, from the linter's parse, for the structure stage.
func checkContent(site *settings.Site, log io.Writer) (map[string]*lint.Outline, error) {
	res, err := lint.Run(lint.Options{Site: site})
	if err != nil {
		return nil, err
	}
	if log != nil {
		for _, w := range res.Warnings {
			fmt.Fprintln(log, w.Error())
		}
	}
	if len(res.Errors) > 0 {
		return nil, res.Errors
	}
	return res.Outlines, nil
}

// contentCheck is what the content check found: the pages' outlines, for
// structure, or its errors.
type contentCheck struct {
	outlines map[string]*lint.Outline
	err      error
	took     StageTime
}

// stages checks the rendered site and returns its output tree,
// unpublished. outlines are the pages' shapes from the content check, for
// structure.
func stages(ctx context.Context, cfg *settings.Site, site *render.Site, budgets settings.Budgets, opts Options, outlines map[string]*lint.Outline) (*Summary, afero.Fs, error) {
	// The rules on Hugo's model of the pages run alongside offline and
	// verify, which read the rendered files. Their errors, about the
	// content, win over what offline or verify say about the same pages.
	structured := make(chan StageTime, 1)
	var structureErrs diag.List
	go func() {
		t := time.Now()
		structureErrs = structure.Check(site.Hugo, cfg, outlines)
		structured <- StageTime{"structure", time.Since(t)}
	}()
	tm := &timer{last: time.Now()}
	sum, err := finish(ctx, cfg, site, budgets, opts, tm)
	structureTook := <-structured
	if len(structureErrs) > 0 {
		return nil, nil, structureErrs
	}
	if err != nil {
		return nil, nil, err
	}
	sum.Stages = append([]StageTime{structureTook}, tm.stages...)
	return sum, site.Files, nil
}

// finish runs the stages after render on its output tree: offline adds
// to it, then verify checks it.
func finish(ctx context.Context, cfg *settings.Site, site *render.Site, budgets settings.Budgets, opts Options, tm *timer) (*Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sum := &Summary{CSP: cfg.Guide.CSP}
	var precache []string
	res, err := offline.Run(offline.Options{
		Source:     cfg.Source,
		Files:      site.Files,
		ThemeColor: cfg.Guide.ThemeColor,
		CSP:        sum.CSP,
		Minify:     shrink.Minify,
		Preview:    opts.Preview,
	})
	if err != nil {
		return nil, err
	}
	tm.done("offline")
	sum.noQR = len(res.QRCodes) == 0 && !opts.Preview
	if !opts.Preview {
		for _, e := range res.Precache {
			precache = append(precache, e.Path)
		}
	}
	rep, err := verify.Check(afero.NewIOFS(site.Files), precache, budgets, site.BaseURL)
	if err != nil {
		return nil, err
	}
	tm.done("verify")
	sum.Report = rep
	return sum, nil
}
