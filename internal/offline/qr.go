package offline

import (
	"fmt"
	"image/color"
	"io/fs"
	"net/url"
	"strings"

	"github.com/boombuler/barcode/qr"

	"github.com/okcguide/guide/internal/diag"
)

// QRDir is where the QR codes are, under the site's root: qr/<lang>.txt
// is the address Hugo writes for a language (layouts/_partials/qr.html,
// only with a base URL), and qr/<lang>.svg the code this stage draws from
// it. Only the SVG is published.
const QRDir = "qr/"

// qrSource names, in messages, where the addresses come from.
const qrSource = "layouts/_partials/qr.html"

type qrCode struct {
	name string // like qr/en.svg
	svg  []byte
}

// drawQRCodes draws each qr/*.txt Hugo rendered as the SVG QR code of the
// address it holds, and removes the text file. They are returned in a
// fixed order.
func drawQRCodes(files fs.FS, remove func(name string) error) ([]qrCode, error) {
	txts, err := fs.Glob(files, QRDir+"*.txt")
	if err != nil {
		return nil, err
	}
	var out []qrCode
	for _, p := range txts {
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return nil, err
		}
		addr := strings.TrimSpace(string(data))
		if u, err := url.Parse(addr); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, &diag.Error{File: qrSource, Msg: fmt.Sprintf("%s: %q is not an absolute http or https address to put in a QR code", p, addr)}
		}
		svg, err := qrSVG(addr)
		if err != nil {
			return nil, &diag.Error{File: qrSource, Msg: fmt.Sprintf("%s: cannot make a QR code of %q: %v", p, addr, err)}
		}
		out = append(out, qrCode{strings.TrimSuffix(p, ".txt") + ".svg", svg})
	}
	for _, p := range txts {
		if err := remove(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// qrQuietZone is the white margin around a QR code, in modules: four, as
// the standard asks, so a scanner finds the code on a busy notice board.
const qrQuietZone = 4

// qrSVG draws text as a QR code (error correction level M, which survives
// a smudge or a fold) in black on a white square with its quiet zone, one
// SVG unit per module. Each row's runs of dark modules are one rectangle
// each, with edges on whole units, so the code stays sharp at any size,
// printed or on screen, in light or dark mode.
func qrSVG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	n := code.Bounds().Dx()
	dark := func(x, y int) bool {
		g, _ := color.GrayModel.Convert(code.At(x, y)).(color.Gray)
		return g.Y < 0x80
	}
	size := n + 2*qrQuietZone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, size, size)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	for y := range n {
		for x := 0; x < n; {
			if !dark(x, y) {
				x++
				continue
			}
			w := 1
			for x+w < n && dark(x+w, y) {
				w++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuietZone, y+qrQuietZone, w, w)
			x += w
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String()), nil
}
