package offline

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"io/fs"
	"regexp"
	"strings"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/sync/errgroup"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
)

// PreviewDir is where the link preview images are, under the site's root:
// og/<lang>.svg as Hugo renders it, og/<lang>.png as this stage draws it.
const PreviewDir = "og/"

// PreviewSource is the SVG template Hugo fills in for each language.
const PreviewSource = "assets/og-image.svg"

type preview struct {
	name string // like og/en.png
	png  []byte
}

// drawPreviews draws each og/*.svg Hugo rendered as a PNG of the SVG's
// size, or takes it from the cache, and removes the SVG: only the PNG is
// published.
func drawPreviews(files fs.FS, remove func(name string) error, cache imageCache) ([]preview, error) {
	svgs, err := fs.Glob(files, PreviewDir+"*.svg")
	if err != nil {
		return nil, err
	}
	// Each image not in the cache is drawn on its own core; they are
	// returned in a fixed order.
	out := make([]preview, len(svgs))
	var g errgroup.Group
	for i, p := range svgs {
		g.Go(func() error {
			data, err := fs.ReadFile(files, p)
			if err != nil {
				return err
			}
			img, err := cache.drawn(previewKey(data), func() ([]byte, error) { return drawPreview(data) })
			if err != nil {
				return err
			}
			out[i] = preview{strings.TrimSuffix(p, ".svg") + ".png", img}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, p := range svgs {
		if err := remove(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// textRe matches an SVG <text> element, which oksvg does not draw.
var textRe = regexp.MustCompile(`(?s)<text\b[^>]*>.*?</text>`)

// svgText is one line of text in the preview SVG.
type svgText struct {
	X      float64 `xml:"x,attr"`
	Y      float64 `xml:"y,attr"`
	Size   float64 `xml:"font-size,attr"`
	Weight string  `xml:"font-weight,attr"`
	Fill   string  `xml:"fill,attr"`
	Anchor string  `xml:"text-anchor,attr"`
	Text   string  `xml:",chardata"`
}

// drawPreview draws the SVG's shapes with oksvg, then each <text> line in
// the Go fonts (bold for font-weight="bold"), at the SVG's own size. A
// line too wide for the image is made smaller until it fits with the same
// margin on both sides.
func drawPreview(svg []byte) ([]byte, error) {
	bad := func(msg string) error { return &diag.Error{File: PreviewSource, Msg: msg} }
	ic, err := oksvg.ReadIconStream(bytes.NewReader(textRe.ReplaceAll(svg, nil)), oksvg.StrictErrorMode)
	if err != nil {
		return nil, bad("invalid SVG: " + err.Error())
	}
	w, h := int(ic.ViewBox.W), int(ic.ViewBox.H)
	if w <= 0 || h <= 0 {
		return nil, bad("invalid SVG: it needs a viewBox with a width and height")
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	ic.SetTarget(0, 0, float64(w), float64(h))
	scanner := rasterx.NewScannerGV(w, h, img, img.Bounds())
	ic.Draw(rasterx.NewDasher(w, h, scanner), 1)

	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	for _, m := range textRe.FindAll(svg, -1) {
		var t svgText
		if err := xml.Unmarshal(m, &t); err != nil {
			return nil, bad("invalid <text>: " + err.Error())
		}
		text := strings.Join(strings.Fields(t.Text), " ")
		if text == "" {
			return nil, bad("a <text> line is empty: " + string(m))
		}
		if t.Size <= 0 {
			return nil, bad("a <text> line needs a font-size: " + string(m))
		}
		col, err := settings.ParseColor(t.Fill)
		if err != nil {
			return nil, bad("<text> fill: " + err.Error())
		}
		f := regular
		if t.Weight == "bold" || t.Weight == "700" {
			f = bold
		}
		// The room a line has keeps the margin its position gives it on
		// both sides.
		var room float64
		switch t.Anchor {
		case "middle":
			room = 2*min(t.X, float64(w)-t.X) - 80
		case "end":
			room = 2*t.X - float64(w)
		default:
			room = float64(w) - 2*t.X
		}
		size := t.Size
		var face font.Face
		for {
			face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				return nil, err
			}
			if float64(font.MeasureString(face, text).Round()) <= room || size < 8 {
				break
			}
			size *= 0.95
		}
		x := t.X
		width := float64(font.MeasureString(face, text).Round())
		switch t.Anchor {
		case "middle":
			x -= width / 2
		case "end":
			x -= width
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face, Dot: fixed.P(int(x), int(t.Y))}
		d.DrawString(text)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
