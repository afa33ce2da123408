package staff

import (
	"fmt"
	"os"
	"sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/audit"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/privacy"
)

// Audit actions of the staff accounts.
const (
	ActionStaffCreate      = "staff_create"
	ActionStaffRoleChange  = "staff_role_change"
	ActionStaffCredentials = "staff_credentials_change"
	ActionStaffDelete      = "staff_delete"
)

// requestActors are the staff members whose request is saving a staff account, by the
// record saved: the model hooks, which also see the command line's saves, know no caller.
var requestActors sync.Map

// bindAccounts makes every new staff account and every role change leave an audit row and
// a push to each consul, in the transaction that saves it, whoever saves it (the API or
// `superuser upsert`); and keeps anyone from changing their own role.
func bindAccounts(app core.App, log *audit.Log) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// The first IT account is the command line's: no installer link in the console.
		se.InstallerFunc = nil
		if n, err := se.App.CountRecords(core.CollectionNameSuperusers); err == nil && n == 0 {
			fmt.Fprintln(os.Stderr, "WARNING: no staff account yet: create the first IT account with `alertbutton superuser upsert EMAIL PASSWORD`")
		}
		return se.Next()
	})
	app.OnRecordCreate(core.CollectionNameSuperusers).BindFunc(func(e *core.RecordEvent) error {
		// A superuser made from the command line (superuser upsert) is IT.
		if e.Record.GetString("role") == "" {
			e.Record.Set("role", privacy.RoleIT)
		}
		return afterSave(e, func(tx core.App) error {
			return announce(tx, log, e.Record, ActionStaffCreate, notify.AccountCreated, notify.Vars{Role: e.Record.GetString("role")})
		})
	})
	app.OnRecordUpdate(core.CollectionNameSuperusers).BindFunc(func(e *core.RecordEvent) error {
		from, to := roleOf(e.Record.Original()), roleOf(e.Record)
		// Whoever sets another's password or e-mail can sign in as them.
		credentials := credentialsChanged(e.Record) && actorOf(e.Record) != audit.Actor(e.Record)
		if from == to && !credentials {
			return e.Next()
		}
		return afterSave(e, func(tx core.App) error {
			if from != to {
				if err := announce(tx, log, e.Record, ActionStaffRoleChange, notify.AccountRoleChanged, notify.Vars{From: from, Role: to}); err != nil {
					return err
				}
			}
			if credentials {
				return announce(tx, log, e.Record, ActionStaffCredentials, notify.AccountCredentials, notify.Vars{Role: to})
			}
			return nil
		})
	})
	app.OnRecordDelete(core.CollectionNameSuperusers).BindFunc(func(e *core.RecordEvent) error {
		return afterSave(e, func(tx core.App) error {
			return announce(tx, log, e.Record, ActionStaffDelete, notify.AccountDeleted, notify.Vars{Role: roleOf(e.Record)})
		})
	})
	app.OnRecordCreateRequest(core.CollectionNameSuperusers).BindFunc(onlyIT)
	app.OnRecordDeleteRequest(core.CollectionNameSuperusers).BindFunc(onlyIT)
	app.OnRecordUpdateRequest(core.CollectionNameSuperusers).BindFunc(updateAccount)
}

func onlyIT(e *core.RecordRequestEvent) error {
	if privacy.StaffRole(e.Auth) != privacy.RoleIT {
		return e.ForbiddenError("Only IT can add or remove staff accounts.", nil)
	}
	return withActor(e)
}

func updateAccount(e *core.RecordRequestEvent) error {
	self := e.Auth != nil && e.Auth.Id == e.Record.Id
	roleChanged := roleOf(e.Record) != roleOf(e.Record.Original())
	if roleChanged && self {
		return e.BadRequestError("Nobody changes their own role, IT included: ask another IT account.", validation.Errors{
			"role": validation.NewError("role_locked", "Nobody changes their own role, IT included: ask another IT account."),
		})
	}
	if privacy.StaffRole(e.Auth) == privacy.RoleIT {
		return withActor(e)
	}
	if !self {
		return e.ForbiddenError("Only IT can change another staff member's account.", nil)
	}
	if roleChanged {
		return e.BadRequestError("Only IT can change roles.", validation.Errors{
			"role": validation.NewError("role_locked", "Only IT can change roles."),
		})
	}
	return withActor(e)
}

// withActor lets the model hooks know who saves the account.
func withActor(e *core.RecordRequestEvent) error {
	requestActors.Store(e.Record, audit.Actor(e.Auth))
	defer requestActors.Delete(e.Record)
	return e.Next()
}

func actorOf(r *core.Record) string {
	if actor, ok := requestActors.Load(r); ok {
		return actor.(string)
	}
	return "system" // the command line
}

func credentialsChanged(r *core.Record) bool {
	old := r.Original()
	return r.Get(core.FieldNamePassword) != old.Get(core.FieldNamePassword) || r.Email() != old.Email()
}

// roleOf is the account's role; a superuser without one is IT.
func roleOf(r *core.Record) string {
	if role := r.GetString("role"); role != "" {
		return role
	}
	return privacy.RoleIT
}

// afterSave saves (or deletes) e's record and then runs fn, in one transaction.
func afterSave(e *core.RecordEvent, fn func(tx core.App) error) error {
	outer := e.App
	defer func() { e.App = outer }()
	return outer.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return fn(tx)
	})
}

// announce writes the audit row in log and queues a push to each of the consuls' devices.
func announce(tx core.App, log *audit.Log, account *core.Record, action string, n notify.Notice, v notify.Vars) error {
	if _, err := tx.FindCachedCollectionByNameOrId("audit_log"); err != nil {
		// `superuser upsert` on a new data directory runs before the appliance's migrations:
		// there is no log yet and no consul to tell. The schema lock keeps it from going later.
		return nil
	}
	err := log.Append(tx, audit.Entry{
		Actor: actorOf(account), Action: action, Collection: core.CollectionNameSuperusers, RecordID: account.Id,
	})
	if err != nil {
		return err
	}
	url := "/_/#/collections?collection=" + core.CollectionNameSuperusers + "&record=" + account.Id
	_, err = notify.ToStaff(tx, notify.Consuls, n, "", url, v)
	return err
}
