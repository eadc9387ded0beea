package sitetest

import "image"

// WhitePixels counts the near-white pixels of img in the rectangle r: how
// the tests see whether text was drawn in a band of a picture.
func WhitePixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr > 0xe000 && cg > 0xe000 && cb > 0xe000 {
				n++
			}
		}
	}
	return n
}
