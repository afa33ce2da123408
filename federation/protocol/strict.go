package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// decodeObject decodes the JSON object b into the pointers of dst, by exact
// field name. encoding/json alone would accept unknown fields, names in
// another case and repeated names (the last one wins), which would let two
// readers of the same signed bytes see different values.
// It returns the names present.
func decodeObject(b []byte, dst map[string]any) (map[string]bool, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	seen := make(map[string]bool, len(dst))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		name, _ := tok.(string)
		ptr, ok := dst[name]
		if !ok {
			return nil, fmt.Errorf("%w: unknown field %q", ErrMalformed, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: repeated field %q", ErrMalformed, name)
		}
		seen[name] = true
		if err := dec.Decode(ptr); err != nil {
			return nil, fmt.Errorf("%w: field %q: %v", ErrMalformed, name, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	return seen, nil
}

// requireFields reports the first of names missing from seen.
func requireFields(seen map[string]bool, what string, names ...string) error {
	for _, n := range names {
		if !seen[n] {
			return fmt.Errorf("%w: %s has no %q", ErrMalformed, what, n)
		}
	}
	return nil
}
