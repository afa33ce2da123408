package registrants

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/audit"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/pins"
	"alertbutton/hooks/records"
)

// A recovery code is read to the person by an adviser or consul who verified them, and
// lets them set a new password once.
const (
	recoveryTTL         = 15 * time.Minute
	maxRecoveryAttempts = 5
)

// now is the clock of the recovery codes; tests set it.
var now = time.Now

var (
	msgRecoveryCode = i18n.Text{
		ES: "El código no es válido o ya venció. Pide uno nuevo por SMS o al consulado.",
		EN: "The code is not valid or has expired. Ask for a new one by SMS or from the consulate.",
	}
	msgRecoveryPassword = i18n.Text{
		ES: "La contraseña debe tener al menos 8 caracteres.",
		EN: "The password must have at least 8 characters.",
	}
	msgRecoveryConfirm = i18n.Text{ES: "Las dos contraseñas no coinciden.", EN: "The two passwords do not match."}
	msgRecoveryInvalid = i18n.Text{ES: "Revisa los datos marcados.", EN: "Check the marked fields."}
)

// verifications are how the staff member knew the person was who they said.
var verifications = []string{"in_person", "phone"}

// IssueRecoveryCode is POST /api/alertbutton/registrants/{id}/recovery-code
// {"verifiedBy":"in_person"|"phone"}, for case staff: an adviser or consul who verified the person gets a
// one-time code to read to them, valid 15 minutes; a new code replaces the last one. log
// keeps who issued it.
func IssueRecoveryCode(log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error { return issueRecoveryCode(log, e) }
}

func issueRecoveryCode(log *audit.Log, e *core.RequestEvent) error {
	var body struct {
		VerifiedBy string `json:"verifiedBy"`
	}
	if err := jsonbody.Decode(e, i18n.Lang(e), jsonbody.Small, &body); err != nil {
		return err
	}
	if !slices.Contains(verifications, body.VerifiedBy) {
		return e.BadRequestError("Say how you verified the person.", validation.Errors{
			"verifiedBy": validation.NewError("invalid_verification", `Use "in_person" or "phone".`),
		})
	}
	r, err := e.App.FindRecordById("registrants", e.Request.PathValue("id"))
	if err != nil {
		return e.NotFoundError("No such registrant.", nil)
	}
	if pending, err := deletionPending(e.App, r.Id); err != nil || pending {
		return e.NotFoundError("This account was deleted at the person's request.", err)
	}
	code, err := newRecoveryCode()
	if err != nil {
		return e.InternalServerError("", err)
	}
	expires := now().UTC().Add(recoveryTTL)
	err = e.App.RunInTransaction(func(tx core.App) error {
		_, err := tx.DB().NewQuery(`INSERT INTO recovery_codes (registrant, code_hash, expires_at, attempts, issued_by)
			VALUES ({:r}, {:h}, {:x}, 0, {:by})
			ON CONFLICT (registrant) DO UPDATE SET code_hash = excluded.code_hash,
				expires_at = excluded.expires_at, attempts = 0, issued_by = excluded.issued_by`).
			Bind(dbx.Params{"r": r.Id, "h": codeHash(r.Id, code), "x": expires.Format(time.RFC3339), "by": e.Auth.Id}).
			Execute()
		if err != nil {
			return err
		}
		return log.Append(tx, audit.Entry{
			Actor: audit.Actor(e.Auth), Action: "issue_recovery_code_" + body.VerifiedBy, Collection: "registrants", RecordID: r.Id,
		})
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"code": code, "expiresAt": expires.Format(time.RFC3339)})
}

type recoveryBody struct {
	Phone           string `json:"phone"`
	Code            string `json:"code"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"passwordConfirm"`
}

// Recover is POST /api/alertbutton/recovery {"phone","code","password","passwordConfirm"},
// for anyone: with a live code it sets the password, ends every session of the account
// (a seized phone's included) and clears the PINs. An unknown phone, a wrong, used or expired code all answer
// alike; each wrong code counts, and the fifth ends the code. log keeps each recovery.
func Recover(log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error { return recoverAccount(log, e) }
}

func recoverAccount(log *audit.Log, e *core.RequestEvent) error {
	lang := i18n.Lang(e)
	var body recoveryBody
	if err := jsonbody.Decode(e, lang, jsonbody.Small, &body); err != nil {
		return err
	}
	errs := validation.Errors{}
	switch {
	case len([]rune(body.Password)) < 8:
		errs["password"] = validation.NewError("password_too_short", msgRecoveryPassword.In(lang))
	case body.PasswordConfirm != body.Password:
		errs["passwordConfirm"] = validation.NewError("password_mismatch", msgRecoveryConfirm.In(lang))
	}
	if len(errs) > 0 {
		return e.BadRequestError(msgRecoveryInvalid.In(lang), errs)
	}
	var recovered bool
	err := e.App.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindFirstRecordByData("registrants", "phone", body.Phone)
		if err != nil {
			return nil // unknown phone: answered as a wrong code
		}
		if ok, err := useRecoveryCode(tx, r.Id, body.Code); err != nil || !ok {
			return err
		}
		r.SetPassword(body.Password)
		r.RefreshTokenKey()
		if err := records.Save(tx, r); err != nil {
			return err
		}
		// Whoever held the old session may have forced the PINs out of the person, who may
		// also have forgotten them: they choose new ones (not while a case is open).
		if err := pins.Forget(tx, r.Id); err != nil {
			return err
		}
		recovered = true
		return log.Append(tx, audit.Entry{Actor: "registrant:" + r.Id, Action: "account_recovered", Collection: "registrants", RecordID: r.Id})
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	if !recovered {
		return i18n.FieldError(e, "code", "invalid_code", msgRecoveryCode)
	}
	return e.NoContent(http.StatusNoContent)
}

// useRecoveryCode tells whether code is the registrant's live recovery code, and spends it.
func useRecoveryCode(tx core.App, registrantID, code string) (bool, error) {
	return useCode(tx, recoveryCodes, registrantID, code)
}

func newRecoveryCode() (string, error) { return newCode(8) }

// codeHash binds a code to its registrant; codes are stored only hashed.
func codeHash(registrantID, code string) string {
	sum := sha256.Sum256([]byte(registrantID + ":" + code))
	return hex.EncodeToString(sum[:])
}
