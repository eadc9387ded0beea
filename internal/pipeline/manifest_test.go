package pipeline_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// The web app manifests Hugo renders (layouts/home.manifest.webmanifest),
// one per language, are those in testdata/manifests.txtar, indented for
// review. Run with -update after a deliberate change.
func TestManifestsGolden(t *testing.T) {
	_, tree := real(t)
	golden := filepath.Join("testdata", "manifests.txtar")
	got := &txtar.Archive{Comment: []byte("The web app manifest of each language, as built from the repository's site\n(indented here; the built files are minified).\n")}
	for _, name := range []string{"manifest.webmanifest", "es/manifest.webmanifest"} {
		var b bytes.Buffer
		if err := json.Indent(&b, tree[name], "", "  "); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got.Files = append(got.Files, txtar.File{Name: name, Data: append(b.Bytes(), '\n')})
	}
	if *update {
		if err := os.WriteFile(golden, txtar.Format(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(txtar.Format(got))); diff != "" {
		t.Errorf("%s (-want +got; run with -update after a deliberate change):\n%s", golden, diff)
	}
}

// Every icon a manifest names is a file of the site, and each PNG is the
// size the manifest says.
func TestManifestIconsAreTheDrawnOnes(t *testing.T) {
	_, tree := real(t)
	for _, name := range []string{"manifest.webmanifest", "es/manifest.webmanifest"} {
		var m struct {
			Icons []struct{ Src, Sizes, Type, Purpose string }
		}
		if err := json.Unmarshal(tree[name], &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		maskable := false
		for _, ic := range m.Icons {
			file := path.Join(path.Dir(name), ic.Src)
			data, ok := tree[file]
			if !ok {
				t.Errorf("%s: icon %s is not a file of the site", name, ic.Src)
				continue
			}
			if ic.Type != "image/png" {
				continue
			}
			maskable = maskable || ic.Purpose == "maskable"
			n, _ := strconv.Atoi(strings.SplitN(ic.Sizes, "x", 2)[0])
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
				t.Errorf("%s: %s is %dx%d, the manifest says %s", name, file, b.Dx(), b.Dy(), ic.Sizes)
			}
		}
		if !maskable {
			t.Errorf("%s: no maskable icon", name)
		}
	}
}

// A manifest's addresses are relative to it, so the guide installs from
// any folder: with a base URL under a folder, the manifests are the same.
func TestManifestsAreTheSameUnderAFolder(t *testing.T) {
	_, tree := real(t)
	based := withBase(t)
	for _, name := range []string{"manifest.webmanifest", "es/manifest.webmanifest"} {
		if diff := cmp.Diff(string(tree[name]), string(based[name])); diff != "" {
			t.Errorf("%s (-without a base URL +with %s):\n%s", name, testBase, diff)
		}
	}
}
