package registrants

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

// PhoneVerifiedField says when the registrant's phone was shown to be theirs; empty until then.
const PhoneVerifiedField = "phone_verified_at"

// Payload types of the SMS that carry a code: the dispatcher writes the code, opened from its
// sealed copy in the table, where the text says {code}.
const (
	SMSVerifyCode   = "code.verify"   // phone_codes
	SMSRecoveryCode = "code.recovery" // recovery_codes
)

var (
	smsVerifyText = i18n.Text{
		ES: "Alerta Consular: tu código para verificar tu teléfono es {code}. Sirve 15 minutos. No se lo des a nadie.",
		EN: "Consular Alert: your code to verify your phone is {code}. It works for 15 minutes. Do not give it to anyone.",
	}
	smsRecoveryText = i18n.Text{
		ES: "Alerta Consular: tu código para poner una contraseña nueva es {code}. Sirve 15 minutos. Si no lo pediste tú, no hagas nada.",
		EN: "Consular Alert: your code to set a new password is {code}. It works for 15 minutes. If you did not ask for it, do nothing.",
	}
	smsTakenText = i18n.Text{
		ES: "Alerta Consular: alguien quiso abrir una cuenta nueva con tu número. Si fuiste tú, ya tienes cuenta: en \"¿Olvidaste tu contraseña?\" usa el código {code} (sirve 15 minutos). Si no fuiste tú, no hagas nada.",
		EN: "Consular Alert: someone tried to open a new account with your number. If it was you, you already have one: in \"Forgot your password?\" use the code {code} (it works for 15 minutes). If it was not you, do nothing.",
	}
	smsTakenUnverifiedText = i18n.Text{
		ES: "Alerta Consular: alguien quiso abrir una cuenta con tu número, que ya tiene una cuenta sin verificar. Si no la abriste tú, ve o llama a tu consulado.",
		EN: "Consular Alert: someone tried to open an account with your number, which already has an unverified account. If you did not open it, call or visit your consulate.",
	}
	msgPhoneCode = i18n.Text{
		ES: "El código no es válido o ya venció. Revisa el SMS o pide uno nuevo.",
		EN: "The code is not valid or has expired. Check the SMS or ask for a new one.",
	}
	msgNoSMS = i18n.Text{
		ES: "Por ahora el consulado no puede mandar SMS. Ve a tu consulado con una identificación y ahí verifican tu teléfono.",
		EN: "For now the consulate cannot send SMS. Go to your consulate with an ID and they will verify your phone there.",
	}
)

// bindPhoneVerification sends a verification code to every new registrant's phone, in the
// registration's transaction, and keeps phone_verified_at the server's: nobody sets it
// through the API, and a changed phone is no longer verified.
func bindPhoneVerification(app core.App, cfg *appliance.Config) {
	app.OnRecordCreateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		e.Record.Set(PhoneVerifiedField, "")
		outer := e.App
		defer func() { e.App = outer }()
		return outer.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := e.Next(); err != nil {
				return err
			}
			if !cfg.SMS.Ready() {
				return nil // the staff verify in person
			}
			return sendCode(tx, cfg, phoneCodes, e.Record, smsVerifyText)
		})
	})
	app.OnRecordUpdateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		if !e.HasSuperuserAuth() {
			e.Record.Set(PhoneVerifiedField, e.Record.Original().Get(PhoneVerifiedField))
		}
		return e.Next()
	})
	app.OnRecordUpdate("registrants").BindFunc(func(e *core.RecordEvent) error {
		// Read from the row: a record kept from its creation has no original phone.
		var stored string
		err := e.App.DB().Select("phone").From("registrants").Where(dbx.HashExp{"id": e.Record.Id}).Row(&stored)
		if err != nil {
			return err
		}
		if e.Record.GetString("phone") != stored {
			e.Record.Set(PhoneVerifiedField, "")
		}
		return e.Next()
	})
}

// tellPhoneOwner answers, by SMS to the phone's owner, a registration with their taken phone:
// a recovery code when the phone is verified (it may be them, who forgot), a notice when it
// is not (the account may be someone else's, who must not be handed to the phone's holder).
func tellPhoneOwner(app core.App, cfg *appliance.Config, phone string) error {
	if !cfg.SMS.Ready() || phone == "" {
		return nil
	}
	owner, err := app.FindFirstRecordByData("registrants", "phone", phone)
	if err != nil {
		return nil // taken by e-mail only, or gone since
	}
	return app.RunInTransaction(func(tx core.App) error {
		if pending, err := deletionPending(tx, owner.Id); err != nil || pending {
			return err
		}
		// With a case open the phone may be in other hands: no code, as SendRecoveryCode.
		if open, err := alerts.OpenOf(tx, owner.Id); err != nil || len(open) > 0 {
			return err
		}
		if owner.GetDateTime(PhoneVerifiedField).IsZero() {
			lang := owner.GetString("language")
			return outbox.SMS(tx, outbox.Recipient{Kind: vocab.RecipientRegistrant, ID: owner.Id},
				push.Payload{Type: "phone.taken", Body: smsTakenUnverifiedText.In(lang), Lang: lang})
		}
		return sendCode(tx, cfg, recoveryCodes, owner, smsTakenText)
	})
}

// sendCode stores a new 6-digit code for r in table (replacing any), as its hash and a
// sealed copy, and queues the SMS that carries it: text, with {code} where the code goes.
func sendCode(tx core.App, cfg *appliance.Config, table string, r *core.Record, text i18n.Text) error {
	code, err := newCode(smsCodeDigits)
	if err != nil {
		return err
	}
	sealed, err := cfg.Sealer().Seal(r.Id, table+".code", code)
	if err != nil {
		return err
	}
	params := dbx.Params{"r": r.Id, "h": codeHash(r.Id, code), "s": sealed, "x": now().UTC().Add(recoveryTTL).Format(time.RFC3339)}
	typ := SMSVerifyCode
	q := `INSERT INTO phone_codes (registrant, code_hash, code_sealed, expires_at, attempts)
		VALUES ({:r}, {:h}, {:s}, {:x}, 0)
		ON CONFLICT (registrant) DO UPDATE SET code_hash = excluded.code_hash,
			code_sealed = excluded.code_sealed, expires_at = excluded.expires_at, attempts = 0`
	if table == recoveryCodes {
		typ = SMSRecoveryCode
		q = `INSERT INTO recovery_codes (registrant, code_hash, code_sealed, expires_at, attempts, issued_by)
			VALUES ({:r}, {:h}, {:s}, {:x}, 0, 'sms')
			ON CONFLICT (registrant) DO UPDATE SET code_hash = excluded.code_hash,
				code_sealed = excluded.code_sealed, expires_at = excluded.expires_at, attempts = 0,
				issued_by = excluded.issued_by`
	}
	if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
		return err
	}
	lang := r.GetString("language")
	return outbox.SMS(tx, outbox.Recipient{Kind: vocab.RecipientRegistrant, ID: r.Id},
		push.Payload{Type: typ, Body: text.In(lang), Lang: lang})
}

// VerifyPhone is POST /api/alertbutton/phone/verify {"code"}, for the registrant: the code
// sent to their phone marks it verified. A wrong code counts against it (five end it), and
// against the account's tries (limits.Guard.Tries).
func VerifyPhone(log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		var body struct {
			Code string `json:"code"`
		}
		if err := jsonbody.Decode(e, i18n.Lang(e), jsonbody.Small, &body); err != nil {
			return err
		}
		var verified bool
		err := e.App.RunInTransaction(func(tx core.App) error {
			r, err := tx.FindRecordById("registrants", e.Auth.Id)
			if err != nil {
				return err
			}
			if !r.GetDateTime(PhoneVerifiedField).IsZero() {
				verified = true
				return nil
			}
			if verified, err = useCode(tx, phoneCodes, r.Id, body.Code); err != nil || !verified {
				return err
			}
			return markVerified(tx, log, r, "registrant:"+r.Id, "phone_verified_sms")
		})
		if err != nil {
			return e.InternalServerError("", err)
		}
		if !verified {
			return i18n.FieldError(e, "code", "invalid_code", msgPhoneCode)
		}
		return e.NoContent(http.StatusNoContent)
	}
}

// SendPhoneCode is POST /api/alertbutton/phone/code, for the registrant whose phone is not
// verified yet: a new code by SMS, which replaces the last one.
func SendPhoneCode(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !cfg.SMS.Ready() {
			return e.Error(http.StatusServiceUnavailable, msgNoSMS.In(i18n.Lang(e)), nil)
		}
		err := e.App.RunInTransaction(func(tx core.App) error {
			r, err := tx.FindRecordById("registrants", e.Auth.Id)
			if err != nil || !r.GetDateTime(PhoneVerifiedField).IsZero() {
				return err
			}
			return sendCode(tx, cfg, phoneCodes, r, smsVerifyText)
		})
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.NoContent(http.StatusNoContent)
	}
}

// VerifyPhoneInPerson is POST /api/alertbutton/registrants/{id}/phone-verified
// {"verifiedBy":"in_person"}, for case staff who saw the person and their phone (the way
// while SMS is not set up): it marks the phone verified. log keeps who did.
func VerifyPhoneInPerson(log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		var body struct {
			VerifiedBy string `json:"verifiedBy"`
		}
		if err := jsonbody.Decode(e, i18n.Lang(e), jsonbody.Small, &body); err != nil {
			return err
		}
		if body.VerifiedBy != "in_person" {
			return e.BadRequestError("Say how you verified the person's phone.", validation.Errors{
				"verifiedBy": validation.NewError("invalid_verification", `Use "in_person": you saw the person and their phone.`),
			})
		}
		r, err := e.App.FindRecordById("registrants", e.Request.PathValue("id"))
		if err != nil {
			return e.NotFoundError("No such registrant.", nil)
		}
		if pending, err := deletionPending(e.App, r.Id); err != nil || pending {
			return e.NotFoundError("This account was deleted at the person's request.", err)
		}
		err = e.App.RunInTransaction(func(tx core.App) error {
			return markVerified(tx, log, r, audit.Actor(e.Auth), "verify_phone_in_person")
		})
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.JSON(http.StatusOK, map[string]any{PhoneVerifiedField: r.GetDateTime(PhoneVerifiedField).String()})
	}
}

// markVerified marks r's phone verified now, spends its code, and audits it as action by actor.
func markVerified(tx core.App, log *audit.Log, r *core.Record, actor, action string) error {
	at, err := types.ParseDateTime(now().UTC())
	if err != nil {
		return err
	}
	r.Set(PhoneVerifiedField, at)
	if err := records.Save(tx, r); err != nil {
		return err
	}
	if _, err := tx.DB().Delete(phoneCodes, dbx.HashExp{"registrant": r.Id}).Execute(); err != nil {
		return err
	}
	return log.Append(tx, audit.Entry{Actor: actor, Action: action, Collection: "registrants", RecordID: r.Id})
}

// SendRecoveryCode is POST /api/alertbutton/recovery/code {"phone"}, for anyone: a recovery
// code goes by SMS to the phone when it is a registrant's verified phone with no case open
// (a seized phone must not take the account over after the press; the staff can still
// recover it). The answer is the same whatever the phone.
func SendRecoveryCode(cfg *appliance.Config, log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		var body struct {
			Phone string `json:"phone"`
		}
		if err := jsonbody.Decode(e, i18n.Lang(e), jsonbody.Small, &body); err != nil {
			return err
		}
		err := e.App.RunInTransaction(func(tx core.App) error {
			r, err := tx.FindFirstRecordByData("registrants", "phone", body.Phone)
			if err != nil || !cfg.SMS.Ready() || r.GetDateTime(PhoneVerifiedField).IsZero() {
				return nil
			}
			if pending, err := deletionPending(tx, r.Id); err != nil || pending {
				return err
			}
			if open, err := alerts.OpenOf(tx, r.Id); err != nil || len(open) > 0 {
				return err
			}
			if err := sendCode(tx, cfg, recoveryCodes, r, smsRecoveryText); err != nil {
				return err
			}
			return log.Append(tx, audit.Entry{Actor: "registrant:" + r.Id, Action: "recovery_code_sms", Collection: "registrants", RecordID: r.Id})
		})
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.NoContent(http.StatusNoContent)
	}
}
