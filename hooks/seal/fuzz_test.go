package seal

import "testing"

// FuzzOpen checks that Open never panics, returns nothing with an error, and
// that what opens seals and opens again. Seeds are in testdata/fuzz/FuzzOpen;
// two of them are values sealed with testKey(7) and testKey(8).
func FuzzOpen(f *testing.F) {
	s, err := New(testKey(7), testKey(8))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, recordID, field, sealed string) {
		plain, err := s.Open(recordID, field, sealed)
		if err != nil {
			if plain != "" {
				t.Fatalf("Open returned %q with error %v", plain, err)
			}
			return
		}
		if sealed != "" && !IsSealed(sealed) {
			t.Fatalf("Open accepted %q, which IsSealed rejects", sealed)
		}
		if plain == "" {
			return
		}
		resealed, err := s.Seal(recordID, field, plain)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := s.Open(recordID, field, resealed); err != nil || again != plain {
			t.Fatalf("reopened %q, %v; want %q", again, err, plain)
		}
	})
}
