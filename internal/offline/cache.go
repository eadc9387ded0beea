package offline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
)

// drawingVersion is the version of this package's drawing code (rasterize
// and drawPreview). A cached image is used only if the same version drew
// it: bump it whenever either changes the pixels or the PNG encoding.
const drawingVersion = 1

// drawnBy names everything besides this package's code and the inputs
// that the drawn bytes depend on: the drawing version, the Go release
// (its PNG encoder) and every module the program is built with (oksvg,
// rasterx and x/image among them). It is "" when the program has no
// build information, and then nothing is cached.
var drawnBy = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "drawing %d\n%s\n", drawingVersion, runtime.Version())
	for _, m := range info.Deps {
		if m.Replace != nil {
			m = m.Replace
		}
		fmt.Fprintf(&b, "%s %s %s\n", m.Path, m.Version, m.Sum)
	}
	return b.String()
})

// imageCache is a folder of drawn PNGs kept from build to build, each
// named by the key of what it was drawn from. Its zero value caches
// nothing.
type imageCache struct{ dir string }

// DefaultImageCache is the folder, under the user's cache folder
// (os.UserCacheDir), where builds keep the images they draw.
const DefaultImageCache = "guide/images"

// openImageCache is the cache in dir, or in DefaultImageCache under the
// user's cache folder when dir is "". It caches nothing when there is no
// user cache folder or no build information.
func openImageCache(dir string) imageCache {
	if drawnBy() == "" {
		return imageCache{}
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return imageCache{}
		}
		dir = filepath.Join(base, filepath.FromSlash(DefaultImageCache))
	}
	return imageCache{dir}
}

// imageKey names the image drawn from parts by this program: a hex
// SHA-256 of drawnBy and each part, every one prefixed with its length.
func imageKey(parts ...string) string {
	h := sha256.New()
	for _, p := range append([]string{drawnBy()}, parts...) {
		h.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// iconKey names the icon ic drawn from svg. The theme color is part of it
// only for a maskable icon, the one that is drawn on it.
func iconKey(svg []byte, ic icon, theme string) string {
	if !ic.maskable {
		theme = ""
	}
	return imageKey("icon", strconv.Itoa(ic.size), strconv.FormatBool(ic.maskable), theme, string(svg))
}

// previewKey names the link preview image drawn from svg.
func previewKey(svg []byte) string {
	return imageKey("preview", string(svg))
}

// pngEnd is the IEND chunk every whole PNG file ends with.
var pngEnd = []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82}

// drawn returns the PNG cached under key if there is a whole one, and
// otherwise draws it and keeps it under key. The cache never fails a
// build: a file it cannot read is drawn, and one it cannot write is not
// kept.
func (c imageCache) drawn(key string, draw func() ([]byte, error)) ([]byte, error) {
	if c.dir == "" {
		return draw()
	}
	p := filepath.Join(c.dir, key+".png")
	if data, err := os.ReadFile(p); err == nil && bytes.HasSuffix(data, pngEnd) {
		if _, err := png.DecodeConfig(bytes.NewReader(data)); err == nil {
			return data, nil
		}
	}
	data, err := draw()
	if err != nil {
		return nil, err
	}
	c.keep(p, data)
	return data, nil
}

// keep writes data to p through a temporary file renamed into place, so
// that a build running at the same time reads the whole file or none.
func (c imageCache) keep(p string, data []byte) {
	if os.MkdirAll(c.dir, 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(c.dir, filepath.Base(p)+".*.tmp")
	if err != nil {
		return
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}
