package verify_test

import (
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
	"github.com/okcguide/guide/internal/verify"
)

// lexSeeds are pages the lexer reads itself and pages it leaves to the
// HTML5 tokenizer; either way the checks must see the same tags.
var lexSeeds = []string{
	"",
	head + `<h1 id=top>Home</h1><a href=about.html#who>About</a><script defer src=app.js></script>`,
	`<!DOCTYPE html><HTML LANG=en><Title>Guide</TITLE><A HREF="x.html" Id='y'>x</A>`,
	`<title> &nbsp; </title><h1>x</h1>`,
	`<title>a &amp; b &lt;c&gt;</title>`,
	"<title>\r\n</title><a href=\"a\r\nb\">",
	`<a href="?a=1&amp;b=2">x</a><a href="?a=1&copy=2">y</a><a href='&notit;'>z</a><a href=&amp;>w</a>`,
	`<a href=a.html href=b.html id=1 id=2><div id=3 ID=4 class=c>`,
	`<img src=a.png/><br/><input disabled value=""><a href= >x</a><a href=>y</a>`,
	`<a href="x"/ id=y>`,
	`<a href=x /id=y>`,
	`<a/b href=x>`,
	`<a =x href=y>`,
	`<a href="x`,
	`<a href=x`,
	`<div id=a`,
	`<svg id=icon><title>Icon</title><a href=x></a></svg><a href=#icon>i</a>`,
	`<math><mi id=m>x</mi></math>`,
	`<noscript><img src=https://example.com/x.png></noscript><a href=y>`,
	`<noembed><a href=x></noembed>`,
	`<!--><a href=x>-->`,
	`<!---><a href=x>-->`,
	`<!-- <a href=x> --><a href=y>`,
	`<!-- a --!><a href=x>`,
	`<![CDATA[ x > <a href=y> ]]><a href=z>`,
	`<?xml version="1.0"?><a href=x>`,
	`</><a href=x></ a><a href=y>`,
	`<script><!--</script><a href=x>`,
	`<script>if (a < b) {}</script><a href=x>`,
	`<style>a{}</style ><a href=x>`,
	`<title>a</title1>b</title><a href=x>`,
	`<title>a</title`,
	`<textarea><a href=x></textarea><a href=y>`,
	`<xmp><a href=x></xmp><iframe src=a.html></iframe>`,
	`<plaintext><a href=x>`,
	"<a href=x\x00y>",
	`<a href=x>` + "\xff\xfe" + `<a href=y>`,
	`<meta http-equiv=Content-Security-Policy content="default-src 'self'"><link rel=stylesheet href=main.css>`,
}

// FuzzLex: wherever the lexer reads a page itself, it sees the tags the
// HTML5 tokenizer sees.
func FuzzLex(f *testing.F) {
	for _, s := range lexSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lexed, ok, want, err := verify.LexAndTokenize(data)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if diff := elemsDiff(lexed, want); diff != "" {
				t.Errorf("%q: %s", data, diff)
			}
		}
	})
}

// TestLexerReadsTheRealSite: the lexer reads every page of the real
// guide itself, and sees what the HTML5 tokenizer sees.
func TestLexerReadsTheRealSite(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: sitetest.CopySite(t), Dest: dest, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	pages := 0
	for name, data := range sitetest.ReadTree(t, dest) {
		if path.Ext(name) != ".html" {
			continue
		}
		pages++
		lexed, ok, want, err := verify.LexAndTokenize(data)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Errorf("%s: the lexer left the page to the tokenizer", name)
		} else if diff := elemsDiff(lexed, want); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
	if pages == 0 {
		t.Fatal("the build has no pages")
	}
}

// elemsDiff describes the first tag where the lexer and the tokenizer
// differ, or returns "".
func elemsDiff(lexed, html5 []verify.Elem) string {
	for i := range max(len(lexed), len(html5)) {
		var l, h any = "nothing", "nothing"
		if i < len(lexed) {
			l = lexed[i]
		}
		if i < len(html5) {
			h = html5[i]
		}
		if !reflect.DeepEqual(l, h) {
			return fmt.Sprintf("tag %d:\nlexer     %+v\ntokenizer %+v", i, l, h)
		}
	}
	return ""
}
