// Package privacy keeps personal data sealed at rest and shows it only to whom it belongs
// to or to the staff whose role allows it.
package privacy

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/seal"
)

// SealedFields lists, per collection, the fields kept AES-GCM sealed in the database.
var SealedFields = map[string][]string{
	"registrants": {"birth_date", "id_document", "address"},
	"contacts":    {"phone", "email", "family_token_sealed"},
	"alerts":      {"subject_name", "location", "place", "note", "a_number", "subject_phone", "subject_birth_date"},
	"checkins":    {"place"},
	"case_notes":  {"body"},
}

func sealedCollections() []string {
	names := make([]string, 0, len(SealedFields))
	for name := range SealedFields {
		names = append(names, name)
	}
	return names
}

// Bind seals on every write, whatever its origin (API, admin UI, hooks), and opens on enrich.
func Bind(app core.App, cfg *appliance.Config) {
	names := sealedCollections()
	sealOnWrite := func(e *core.RecordEvent) error {
		restore, err := sealRecord(cfg.Sealer(), e.Record)
		if err != nil {
			return err
		}
		defer restore()
		return e.Next()
	}
	app.OnRecordCreateExecute(names...).BindFunc(sealOnWrite)
	app.OnRecordUpdateExecute(names...).BindFunc(sealOnWrite)
	app.OnRecordEnrich(names...).BindFunc(func(e *core.RecordEnrichEvent) error {
		// After Next: PocketBase unhides every field for superusers at the end of the chain.
		if err := e.Next(); err != nil {
			return err
		}
		showSealed(cfg.Sealer(), e.Record, mayRead(e.RequestInfo, e.Record))
		return nil
	})
}

// sealRecord replaces each plaintext sealed field by its sealed form and returns a function
// that puts the plaintext back in memory once the row is written.
func sealRecord(s *seal.Sealer, r *core.Record) (restore func(), err error) {
	plain := map[string]string{}
	restore = func() {
		for field, v := range plain {
			r.Set(field, v)
		}
	}
	for _, field := range SealedFields[r.Collection().Name] {
		v := r.GetString(field)
		if v == "" {
			if nobodyReads[field] {
				// No reader has it, so an editor's form (the admin UI's) sends it empty: keep it.
				r.Set(field, r.Original().GetString(field))
			}
			continue
		}
		if seal.IsSealed(v) {
			if v != r.Original().GetString(field) {
				restore()
				return nil, validation.Errors{field: validation.NewError("sealed_value", "A sealed value cannot be written directly.")}
			}
			continue
		}
		sealed, err := s.Seal(r.Id, field, v)
		if err != nil {
			restore()
			return nil, err
		}
		plain[field] = v
		r.Set(field, sealed)
	}
	return restore, nil
}

// Open returns the plaintext of a sealed field of a record loaded from the database.
func Open(s *seal.Sealer, r *core.Record, field string) (string, error) {
	v := r.GetString(field)
	if !seal.IsSealed(v) {
		return v, nil
	}
	return s.Open(r.Id, field, v)
}

// showSealed opens the sealed fields for a reader allowed to see them and hides them
// from everyone else: the sealed text never leaves the server.
func showSealed(s *seal.Sealer, r *core.Record, allowed map[string]bool) {
	for _, field := range SealedFields[r.Collection().Name] {
		if !allowed[field] {
			r.Hide(field)
			continue
		}
		plain, err := Open(s, r, field)
		if err != nil {
			r.Hide(field)
			continue
		}
		r.Set(field, plain)
	}
}
