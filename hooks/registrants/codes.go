package registrants

import (
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The tables of one-time codes, one code per registrant in each: staff-issued or SMS recovery
// codes, and phone verification codes. Both are checked by useCode alone.
const (
	recoveryCodes = "recovery_codes"
	phoneCodes    = "phone_codes"
)

// smsCodeDigits is the length of a code sent by SMS; a staff-read recovery code has 8.
const smsCodeDigits = 6

// useCode tells whether code is the registrant's live code in table, and spends it: a right
// code once, a wrong one as one of its maxRecoveryAttempts attempts; an expired code is gone.
func useCode(tx core.App, table, registrantID, code string) (bool, error) {
	var row struct {
		Hash     string `db:"code_hash"`
		Expires  string `db:"expires_at"`
		Attempts int    `db:"attempts"`
	}
	err := tx.DB().Select("code_hash", "expires_at", "attempts").From(table).
		Where(dbx.HashExp{"registrant": registrantID}).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if pending, err := deletionPending(tx, registrantID); err != nil || pending {
		return false, err
	}
	expires, _ := time.Parse(time.RFC3339, row.Expires)
	right := subtle.ConstantTimeCompare([]byte(row.Hash), []byte(codeHash(registrantID, code))) == 1
	where := dbx.HashExp{"registrant": registrantID}
	if right || !now().Before(expires) || row.Attempts+1 >= maxRecoveryAttempts {
		_, err = tx.DB().Delete(table, where).Execute()
		return right && now().Before(expires), err
	}
	_, err = tx.DB().Update(table, dbx.Params{"attempts": row.Attempts + 1}, where).Execute()
	return false, err
}

// newCode is a random code of digits digits.
func newCode(digits int) (string, error) {
	limit := big.NewInt(1)
	for range digits {
		limit.Mul(limit, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", digits, n), nil
}
