package verify

// Elem is a start tag as the checks see it.
type Elem = elem

// LexAndTokenize reads a page's start tags with the lexer and with the
// HTML5 tokenizer; lexed is false when the lexer leaves the page to the
// tokenizer.
func LexAndTokenize(data []byte) (lexer []Elem, lexed bool, html5 []Elem, err error) {
	html5, err = tokenizeHTML5(data)
	r := readers.Get().(*reader)
	defer readers.Put(r)
	lexer, lexed = r.lex(append([]byte(nil), data...))
	return lexer, lexed, html5, err
}
