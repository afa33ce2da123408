package records

import (
	"context"
	"regexp"
	"sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Validate does what PocketBase's record validation does: a new record without an id
// gets one, then every field checks its value. Validate hooks are not run (Save's
// guarantee is that the collections it validates itself have none).
func Validate(app core.App, r *core.Record) error {
	if err := autogenerate(r); err != nil {
		return err
	}
	errs := validation.Errors{}
	for _, f := range r.Collection().Fields {
		if err := validateField(app, r, f); err != nil {
			errs[f.GetName()] = err
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// defaultIDPattern is the autogenerate pattern of PocketBase's default id field.
const defaultIDPattern = "[a-z0-9]{15}"

// autogenerate fills the empty text fields of a new record that have an autogenerate
// pattern, as the text field does before validation.
func autogenerate(r *core.Record) error {
	if !r.IsNew() {
		return nil
	}
	for _, f := range r.Collection().Fields {
		tf, ok := f.(*core.TextField)
		if !ok || tf.AutogeneratePattern == "" || r.GetString(tf.Name) != "" {
			continue
		}
		if tf.AutogeneratePattern == defaultIDPattern {
			r.SetRaw(tf.Name, security.RandomStringWithAlphabet(core.DefaultIdLength, core.DefaultIdAlphabet))
			continue
		}
		v, err := security.RandomStringByRegex(tf.AutogeneratePattern)
		if err != nil {
			return err
		}
		r.SetRaw(tf.Name, v)
	}
	return nil
}

// defaultIDMatch is the pattern of PocketBase's default id field.
const defaultIDMatch = "^[a-z0-9]+$"

// validateField is f.ValidateValue, with a text field's pattern matched by a compiled
// regexp kept for the next time. An id field with a pattern of its own is left to
// PocketBase, which checks more for those.
func validateField(app core.App, r *core.Record, f core.Field) error {
	ctx := context.Background()
	tf, ok := f.(*core.TextField)
	if !ok || tf.Pattern == "" || tf.PrimaryKey && tf.Pattern != defaultIDMatch {
		return f.ValidateValue(ctx, app, r)
	}
	re, err := compiled(tf.Pattern)
	if err != nil {
		return f.ValidateValue(ctx, app, r) // PocketBase's own answer to a broken pattern
	}
	v := r.GetString(tf.Name)
	if tf.PrimaryKey && !r.IsNew() {
		if r.LastSavedPK() != v {
			return validation.NewError("validation_pk_change", "The record primary key cannot be changed.")
		}
		if v != "" {
			return nil // stored already: PocketBase checks a stored id no further
		}
	}
	plain := *tf
	plain.Pattern, plain.PrimaryKey = "", false
	if err := plain.ValidateValue(ctx, app, r); err != nil {
		return err
	}
	if v != "" && !re.MatchString(v) {
		return validation.NewError("validation_invalid_format", "Invalid value format.")
	}
	return nil
}

var patterns sync.Map // pattern -> *regexp.Regexp

func compiled(pattern string) (*regexp.Regexp, error) {
	if re, ok := patterns.Load(pattern); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	patterns.Store(pattern, re)
	return re, nil
}
