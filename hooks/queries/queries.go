// Package queries limits what a caller who is not staff may ask of PocketBase's records API
// and realtime: a filter, sort or field list on the collection's own visible fields, nothing
// else. PocketBase resolves a relation (registrant.name), a back-relation
// (alert_events_via_alert.type), @collection or expand without the other collection's rules,
// so anything beyond the collection's own fields could read what its rules hide. This is a
// whitelist: what is not named here is refused.
package queries

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/i18n"
)

// params are the query parameters the records API reads that a caller may send; each is
// checked by its own rule.
var params = map[string]func(c *core.Collection, value string) bool{
	"page":      isNumber,
	"perPage":   isNumber,
	"skipTotal": isBool,
	"filter":    validFilter,
	"sort":      validSort,
	"fields":    validFields,
	"lang":      isLang,
}

var (
	collectionPath = regexp.MustCompile(`^/api/collections/([^/]+)(/|$)`)
	number         = regexp.MustCompile(`^[0-9]{1,6}$`)
)

var msgQuery = i18n.Text{
	ES: "Esta consulta no está permitida: usa solo los campos propios de la colección, sin relaciones ni «expand».",
	EN: "This query is not allowed: use only the collection's own fields, with no relations or expand.",
}

// Bind checks every records API request and realtime subscription of a caller who is not staff.
func Bind(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// Right after PocketBase loads the auth token, before anything reads the query.
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Func: checkRequest, Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		})
		return se.Next()
	})
	app.OnRealtimeSubscribeRequest().BindFunc(checkSubscriptions)
}

func checkRequest(e *core.RequestEvent) error {
	m := collectionPath.FindStringSubmatch(e.Request.URL.Path)
	if m == nil || isStaff(e.Auth) {
		return e.Next()
	}
	name, _ := url.PathUnescape(m[1])
	c, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return e.Next() // PocketBase answers 404
	}
	q := e.Request.URL.Query()
	if strings.HasSuffix(e.Request.URL.Path, "/auth-methods") {
		if bad := refusedAuthMethods(q); bad != "" {
			return refuse(e, bad)
		}
		return e.Next()
	}
	if bad := firstRefused(c, q); bad != "" {
		return refuse(e, bad)
	}
	return e.Next()
}

// authMethods are the parts of an auth collection's sign-in methods a caller may pick with
// fields (PocketBase's SDK asks for all of them, on the admin UI's sign-in page too): they
// name the answer's parts, not the records' fields.
var authMethods = []string{"mfa", "otp", "password", "oauth2"}

// refusedAuthMethods is the first parameter of a sign-in methods request that is refused, or "".
func refusedAuthMethods(q url.Values) string {
	for k, v := range q {
		if k != "fields" || len(v) != 1 {
			return k
		}
		for _, part := range strings.Split(v[0], ",") {
			if !slices.Contains(authMethods, strings.TrimSpace(part)) {
				return k
			}
		}
	}
	return ""
}

// checkSubscriptions refuses a subscription whose options ask for more than a records API
// request may; headers are refused too, since no rule needs them.
func checkSubscriptions(e *core.RealtimeSubscribeRequestEvent) error {
	if isStaff(e.Auth) {
		return e.Next()
	}
	for _, s := range e.Subscriptions {
		topic, rawQuery, _ := strings.Cut(s, "?")
		if rawQuery == "" {
			continue
		}
		name, _, _ := strings.Cut(topic, "/")
		c, err := e.App.FindCachedCollectionByNameOrId(name)
		if err != nil {
			return refuse(e.RequestEvent, "subscriptions")
		}
		if bad := refusedOptions(c, rawQuery); bad != "" {
			return refuse(e.RequestEvent, bad)
		}
	}
	return e.Next()
}

// refusedOptions is the first thing refused in a subscription's query (options={"query":{...}}),
// or "".
func refusedOptions(c *core.Collection, rawQuery string) string {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "subscriptions"
	}
	for k := range q {
		if k != "options" {
			return k
		}
	}
	var opts map[string]map[string]any
	if err := jsonUnmarshal(q.Get("options"), &opts); err != nil {
		return "options"
	}
	for k := range opts {
		if k != "query" {
			return k
		}
	}
	values := url.Values{}
	for k, v := range opts["query"] {
		s, ok := v.(string)
		if !ok {
			return k
		}
		values.Set(k, s)
	}
	return firstRefused(c, values)
}

// firstRefused is the first parameter of q that is not allowed on c, or "".
func firstRefused(c *core.Collection, q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		check, ok := params[k]
		if !ok || len(q[k]) != 1 || !check(c, q[k][0]) {
			return k
		}
	}
	return ""
}

func refuse(e *core.RequestEvent, param string) error {
	lang := i18n.Lang(e)
	return e.BadRequestError(msgQuery.In(lang), validation.Errors{param: validation.NewError("query_not_allowed", msgQuery.In(lang))})
}

func isStaff(auth *core.Record) bool { return auth != nil && auth.IsSuperuser() }

func isLang(_ *core.Collection, v string) bool { return v == "es" || v == "en" }

func isNumber(_ *core.Collection, v string) bool { return number.MatchString(v) }

func isBool(_ *core.Collection, v string) bool {
	return v == "true" || v == "false" || v == "1" || v == "0"
}

// ownField is a field of c that a caller who is not staff may see: named plainly, no
// modifier, relation or path.
func ownField(c *core.Collection, name string) bool {
	f := c.Fields.GetByName(name)
	if f == nil || f.GetHidden() {
		return false
	}
	// An auth collection's e-mail is hidden unless the record says otherwise: never filterable.
	return !(c.IsAuth() && name == core.FieldNameEmail)
}

// validFilter accepts comparisons of the collection's own fields with literals.
func validFilter(c *core.Collection, filter string) bool {
	groups, err := fexpr.Parse(filter)
	return err == nil && validGroups(c, groups)
}

func validGroups(c *core.Collection, groups []fexpr.ExprGroup) bool {
	for _, g := range groups {
		switch item := g.Item.(type) {
		case fexpr.Expr:
			if !validOperand(c, item.Left) || !validOperand(c, item.Right) {
				return false
			}
		case fexpr.ExprGroup:
			if !validGroups(c, []fexpr.ExprGroup{item}) {
				return false
			}
		case []fexpr.ExprGroup:
			if !validGroups(c, item) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func validOperand(c *core.Collection, t fexpr.Token) bool {
	switch t.Type {
	case fexpr.TokenText, fexpr.TokenNumber:
		return true
	case fexpr.TokenIdentifier:
		switch t.Literal {
		case "true", "false", "null":
			return true
		}
		return ownField(c, t.Literal)
	}
	return false
}

// validSort accepts the collection's own fields, each optionally prefixed by - or +.
func validSort(c *core.Collection, sort string) bool {
	for _, part := range strings.Split(sort, ",") {
		name := strings.TrimLeft(strings.TrimSpace(part), "-+")
		if !ownField(c, name) {
			return false
		}
	}
	return true
}

// validFields accepts * and the collection's own fields, without modifiers or expand paths.
func validFields(c *core.Collection, fields string) bool {
	for _, part := range strings.Split(fields, ",") {
		name := strings.TrimSpace(part)
		if name != "*" && !ownField(c, name) {
			return false
		}
	}
	return true
}

func jsonUnmarshal(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}
