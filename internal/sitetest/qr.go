package sitetest

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
)

// DecodeQR reads the QR code an SVG draws, the way a phone would from a
// picture of it on a dark notice board: the SVG is drawn at 8 pixels per
// unit (with oksvg) in the middle of a black picture, so the code is read
// only if it brings its own white margin, and the picture is read by
// gozxing, a Go port of the ZXing barcode reader, a library the guide's
// own QR code drawing does not use.
func DecodeQR(svg []byte) (string, error) {
	ic, err := oksvg.ReadIconStream(bytes.NewReader(svg), oksvg.StrictErrorMode)
	if err != nil {
		return "", fmt.Errorf("reading the SVG: %w", err)
	}
	const scale, board = 8, 64
	w, h := int(ic.ViewBox.W)*scale, int(ic.ViewBox.H)*scale
	if w <= 0 || h <= 0 {
		return "", fmt.Errorf("the SVG has no viewBox")
	}
	W, H := w+2*board, h+2*board
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.Black, image.Point{}, draw.Src)
	ic.SetTarget(board, board, float64(w), float64(h))
	ic.Draw(rasterx.NewDasher(W, H, rasterx.NewScannerGV(W, H, img, img.Bounds())), 1)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", fmt.Errorf("no QR code found: %w", err)
	}
	return res.GetText(), nil
}
