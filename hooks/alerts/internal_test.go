package alerts

import (
	"errors"
	"fmt"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// The unique index on uid is the last word when two writers race; Raise must recognise its
// refusal in both the forms PocketBase gives it.
func TestIsDuplicateUID(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{validation.Errors{"uid": validation.NewError("validation_not_unique", "Value must be unique")}, true},
		{fmt.Errorf("save: %w", validation.Errors{"uid": validation.NewError("validation_not_unique", "x")}), true},
		{errors.New("constraint failed: UNIQUE constraint failed: alerts.uid (2067)"), true},
		{validation.Errors{"kind": validation.NewError("validation_required", "x")}, false},
		{validation.Errors{"uid": validation.NewError("validation_invalid_format", "x")}, false},
		{errors.New("UNIQUE constraint failed: outbox.id"), false},
		{errors.New("database is locked"), false},
	}
	for _, c := range cases {
		if got := isDuplicateUID(c.err); got != c.want {
			t.Errorf("isDuplicateUID(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
