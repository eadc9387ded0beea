// Package offline is the build stage that makes the rendered guide work
// with no connection and installable from a phone's home screen. It adds
// to the site's output tree, in memory (render.Site.Files):
//
//   - icons/: PNG icons (192, 512, 512 maskable, 180 apple-touch-icon)
//     rasterised from the one SVG in assets/icons/icon.svg, plus that SVG,
//     for the pages and the web app manifests (which Hugo renders, from
//     layouts/home.manifest.webmanifest);
//   - og/<lang>.png, the 1200×630 link preview image, drawn from the
//     og/<lang>.svg Hugo rendered from assets/og-image.svg (written only
//     with a base URL; the SVG is removed, and the PNG is not precached);
//   - qr/<lang>.svg, the QR code that opens the guide in that language,
//     drawn from the address Hugo wrote into qr/<lang>.txt (written only
//     with a base URL; the text file is removed, and the SVG is
//     precached, since the flyer and the print card show it);
//   - sw.js, from the template assets/sw.js, with the build's version and
//     the precache list: every file a page needs offline, each with a
//     revision taken from its content;
//   - _headers, for static hosts that read it.
//
// The icons and preview images are drawn once and kept in the user's cache
// folder (guide/images under os.UserCacheDir, or Options.ImageCache), each
// named by a hash of what it is drawn from: later builds reuse them while
// the SVG, the theme color (maskable icons) and the drawing code are
// unchanged. The cache never fails a build: an image it cannot read is
// drawn, and one it cannot write is not kept.
//
// Everything it writes is deterministic: the same rendered tree gives the
// same bytes.
package offline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/afero"
	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
	"golang.org/x/sync/errgroup"

	"github.com/okcguide/guide/internal/diag"
)

// IconSource and WorkerTemplate are where, under the site's source
// directory, the stage reads its two inputs.
const (
	IconSource     = "assets/icons/icon.svg"
	ManifestName   = "manifest.webmanifest"
	WorkerTemplate = "assets/sw.js"
	offlinePage    = "offline.html"
)

// Options describes the rendered site and what the stage adds to it.
type Options struct {
	Source string // site source directory
	// Files is the site's output tree, already rendered
	// (render.Site.Files): Run reads the pages from it and adds its
	// files to it.
	Files afero.Fs
	// ThemeColor is params.themeColor, the background of the maskable
	// icons.
	ThemeColor color.Color
	// CSP is the pages' Content-Security-Policy (params.csp), for _headers.
	CSP string
	// Minify, if set, shrinks each file before it is written, so that
	// revisions and sizes are those of the bytes that are served.
	Minify func(name string, data []byte) ([]byte, error)
	// Preview leaves out the service worker, which would cache pages
	// while an editor changes them; the icons and manifest every page
	// links to are still written.
	Preview bool
	// ImageCache is the folder where the icons and link preview images
	// drawn are kept for later builds; "" means DefaultImageCache under
	// the user's cache folder (os.UserCacheDir).
	ImageCache string
}

// Entry is one precached file: its path relative to the site's root and a
// revision (empty when the name is already fingerprinted).
type Entry struct {
	Path     string
	Revision string
}

// Result says what the stage did.
type Result struct {
	// Precache lists every precached file, sorted by path.
	Precache []Entry
	// Version names this build's cache; it changes when any entry does.
	Version string
	// QRCodes lists the QR codes drawn, like qr/en.svg: none when the
	// build has no base URL, and so no address to encode.
	QRCodes []string
}

type icon struct {
	name     string
	size     int
	maskable bool
}

var icons = []icon{
	{"icons/icon-192.png", 192, false},
	{"icons/icon-512.png", 512, false},
	{"icons/icon-maskable-512.png", 512, true},
	{"icons/apple-touch-icon.png", 180, true},
}

// Run adds the offline files to opts.Files.
func Run(opts Options) (*Result, error) {
	res := &Result{}
	files := afero.NewIOFS(opts.Files)
	remove := opts.Files.Remove
	write := func(name string, data []byte) error {
		if opts.Minify != nil {
			var err error
			if data, err = opts.Minify(name, data); err != nil {
				return err
			}
		}
		err := opts.Files.MkdirAll(path.Dir(name), 0o755)
		if err == nil {
			err = afero.WriteFile(opts.Files, name, data, 0o644)
		}
		if err != nil {
			return &diag.Error{File: name, Msg: "cannot add it to the site: " + diag.Cause(err).Error()}
		}
		return nil
	}

	svg, err := os.ReadFile(filepath.Join(opts.Source, IconSource))
	if err != nil {
		return nil, &diag.Error{File: IconSource, Msg: "cannot read the icon: " + diag.Cause(err).Error()}
	}
	// Each icon not in the cache is drawn on its own core; they are
	// written in a fixed order.
	cache := openImageCache(opts.ImageCache)
	pngs := make([][]byte, len(icons))
	var g errgroup.Group
	for i, ic := range icons {
		g.Go(func() (err error) {
			pngs[i], err = cache.drawn(iconKey(svg, ic, colorKey(opts.ThemeColor)), func() ([]byte, error) {
				return rasterize(svg, ic.size, ic.maskable, opts.ThemeColor)
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, ic := range icons {
		if err := write(ic.name, pngs[i]); err != nil {
			return nil, err
		}
	}
	if err := write("icons/icon.svg", svg); err != nil {
		return nil, err
	}

	previews, err := drawPreviews(files, remove, cache)
	if err != nil {
		return nil, err
	}
	for _, p := range previews {
		if err := write(p.name, p.png); err != nil {
			return nil, err
		}
	}
	qrs, err := drawQRCodes(files, remove)
	if err != nil {
		return nil, err
	}
	for _, q := range qrs {
		if err := write(q.name, q.svg); err != nil {
			return nil, err
		}
		res.QRCodes = append(res.QRCodes, q.name)
	}
	res.Precache, err = precacheList(files)
	if err != nil {
		return nil, err
	}
	if err := write("_headers", headers(res.Precache, opts.CSP)); err != nil {
		return nil, err
	}
	if !hasEntry(res.Precache, offlinePage) {
		return nil, &diag.Error{File: "content/offline.md", Msg: "missing: the offline page (" + offlinePage + ") was not rendered"}
	}
	tmpl, err := os.ReadFile(filepath.Join(opts.Source, WorkerTemplate))
	if err != nil {
		return nil, &diag.Error{File: WorkerTemplate, Msg: "cannot read the service worker template: " + diag.Cause(err).Error()}
	}
	res.Version = version(res.Precache, tmpl)
	sw, err := fillWorker(tmpl, res)
	if err != nil {
		return nil, err
	}
	if opts.Preview {
		return res, nil
	}
	if err := write("sw.js", sw); err != nil {
		return nil, err
	}
	return res, nil
}

func hasEntry(es []Entry, p string) bool {
	for _, e := range es {
		if e.Path == p {
			return true
		}
	}
	return false
}

// rasterize draws the SVG at size×size. A maskable icon keeps the artwork
// inside the central 80% safe zone on a background of the theme color.
func rasterize(svg []byte, size int, maskable bool, theme color.Color) ([]byte, error) {
	ic, err := oksvg.ReadIconStream(bytes.NewReader(svg), oksvg.StrictErrorMode)
	if err != nil {
		return nil, &diag.Error{File: IconSource, Msg: "invalid SVG: " + err.Error()}
	}
	if ic.ViewBox.W <= 0 || ic.ViewBox.H <= 0 {
		return nil, &diag.Error{File: IconSource, Msg: "invalid SVG: it needs a viewBox with a width and height"}
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	x, y, w := 0.0, 0.0, s
	if maskable {
		draw.Draw(img, img.Bounds(), &image.Uniform{theme}, image.Point{}, draw.Src)
		w = s * 0.8
		x, y = (s-w)/2, (s-w)/2
	}
	ic.SetTarget(x, y, w, w)
	scanner := rasterx.NewScannerGV(size, size, img, img.Bounds())
	ic.Draw(rasterx.NewDasher(size, size, scanner), 1)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// colorKey writes c for an image's cache key.
func colorKey(c color.Color) string {
	r, g, b, a := c.RGBA()
	return fmt.Sprintf("%04x%04x%04x%04x", r, g, b, a)
}

// fingerprinted matches names Hugo gave a content hash, like
// main.min.3b62…d322.css.
var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{64}\.[a-z0-9]+$`)

// precacheList walks the rendered tree for everything a page needs
// offline: pages, styles, scripts, icons, the manifest and the vCard.
func precacheList(files fs.FS) ([]Entry, error) {
	var out []Entry
	err := fs.WalkDir(files, ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !precached(rel) {
			return nil
		}
		e := Entry{Path: rel}
		if !fingerprinted.MatchString(rel) {
			data, err := fs.ReadFile(files, rel)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			e.Revision = hex.EncodeToString(sum[:8])
		}
		out = append(out, e)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

func precached(rel string) bool {
	if rel == "sw.js" || strings.HasPrefix(path.Base(rel), "_") || strings.HasPrefix(rel, PreviewDir) {
		return false
	}
	switch path.Ext(rel) {
	case ".html", ".css", ".js", ".png", ".svg", ".webmanifest", ".vcf", ".ico", ".webp":
		return true
	}
	return false
}

// version names a build's cache: it changes when any precached file or the
// worker's own code does.
func version(es []Entry, worker []byte) string {
	h := sha256.New()
	h.Write(worker)
	for _, e := range es {
		fmt.Fprintf(h, "%s %s\n", e.Path, e.Revision)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

var (
	versionRe  = regexp.MustCompile(`(?m)^const VERSION = '[^']*';`)
	precacheRe = regexp.MustCompile(`(?m)^const PRECACHE = \[\];`)
)

func fillWorker(tmpl []byte, r *Result) ([]byte, error) {
	if !versionRe.Match(tmpl) || !precacheRe.Match(tmpl) {
		return nil, &diag.Error{File: WorkerTemplate, Msg: "the template must contain the lines `const VERSION = '…';` and `const PRECACHE = [];`"}
	}
	list := make([][2]string, len(r.Precache))
	for i, e := range r.Precache {
		list[i] = [2]string{e.Path, e.Revision}
	}
	js, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	out := versionRe.ReplaceAllLiteral(tmpl, []byte("const VERSION = '"+r.Version+"';"))
	out = precacheRe.ReplaceAllLiteral(out, append(append([]byte("const PRECACHE = "), js...), ';'))
	return out, nil
}

// headers is the _headers file (read by Netlify, Cloudflare Pages and
// others): security headers for every path; no-cache for pages and the
// service worker so updates are seen; a year, immutable, for fingerprinted
// files.
// SiteHeaders are the headers, name and value, that every file of a guide
// whose policy is csp is served with: written into _headers for static
// hosts, and set by guide serve.
func SiteHeaders(csp string) [][2]string {
	return [][2]string{
		{"Content-Security-Policy", csp + "; frame-ancestors 'none'"},
		{"Referrer-Policy", "no-referrer"},
		{"X-Content-Type-Options", "nosniff"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
	}
}

func headers(es []Entry, csp string) []byte {
	var b strings.Builder
	b.WriteString("/*\n")
	for _, h := range SiteHeaders(csp) {
		fmt.Fprintf(&b, "  %s: %s\n", h[0], h[1])
	}
	rule := func(p, cc string) {
		fmt.Fprintf(&b, "/%s\n  Cache-Control: %s\n", p, cc)
	}
	rule("sw.js", "no-cache")
	for _, e := range es {
		switch {
		case path.Base(e.Path) == ManifestName:
			rule(e.Path, "no-cache")
		case e.Revision == "":
			rule(e.Path, "public, max-age=31536000, immutable")
		case strings.HasSuffix(e.Path, ".html"):
			if strings.HasSuffix(e.Path, "index.html") {
				rule(strings.TrimSuffix(e.Path, "index.html"), "no-cache")
			}
			rule(e.Path, "no-cache")
		}
	}
	return []byte(b.String())
}
