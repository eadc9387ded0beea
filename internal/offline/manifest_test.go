package offline_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/offline"
)

// TestManifests builds the manifests that testdata/manifests.txtar's
// manifests.json describes (one per language) and compares each with the
// archive's want/<path> file. Run with -update to rewrite the want files.
func TestManifests(t *testing.T) {
	file := filepath.Join("testdata", "manifests.txtar")
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var ms []offline.Manifest
	want := map[string][]byte{}
	for _, f := range a.Files {
		switch {
		case f.Name == "manifests.json":
			if err := json.Unmarshal(f.Data, &ms); err != nil {
				t.Fatalf("%s: manifests.json: %v", file, err)
			}
		case len(f.Name) > 5 && f.Name[:5] == "want/":
			want[f.Name[5:]] = f.Data
		}
	}
	dir, _ := runManifests(t, staged, ms)
	var files []txtar.File
	for _, f := range a.Files {
		if f.Name == "manifests.json" {
			files = append(files, f)
		}
	}
	for _, m := range ms {
		name := m.Dir + offline.ManifestName
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		files = append(files, txtar.File{Name: "want/" + name, Data: got})
		if !*update && !bytes.Equal(got, want[name]) {
			t.Errorf("%s differs from %s's want/%s (run with -update after a deliberate change)\n got: %s\nwant: %s", name, file, name, got, want[name])
		}
	}
	if *update {
		a.Files = files
		if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
