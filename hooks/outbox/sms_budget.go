package outbox

import (
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
)

// smsBudget keeps the SMS within what IT set (--sms-budget-alert, --sms-budget-day): it
// counts the SMS handed to the provider, and those being sent now.
type smsBudget struct {
	mu      sync.Mutex
	sending map[string]int // by alert uid
	total   int
}

const smsCountQuery = `SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND provider_id != '' AND `

// reserve takes one SMS of the alert uid ("" for none) from the budget, and returns the
// release of what it took once the outcome is saved; over says why the budget has none left.
func (b *smsBudget) reserve(d *Dispatcher, uid string) (release func(), over string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := d.cfg.SMS
	if s.PerDay > 0 {
		n, err := countSMS(d, "sent_at >= {:since}", dbx.Params{"since": dateString(d.now().Add(-24 * time.Hour))})
		if err != nil {
			return nil, "", err
		}
		if n+b.total >= s.PerDay {
			return nil, fmt.Sprintf("over the SMS budget IT set (%d a day)", s.PerDay), nil
		}
	}
	if s.PerAlert > 0 && uid != "" {
		n, err := countSMS(d, "alert = {:alert}", dbx.Params{"alert": uid})
		if err != nil {
			return nil, "", err
		}
		if n+b.sending[uid] >= s.PerAlert {
			return nil, fmt.Sprintf("over the SMS budget IT set (%d an alert)", s.PerAlert), nil
		}
	}
	if b.sending == nil {
		b.sending = map[string]int{}
	}
	b.total++
	b.sending[uid]++
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.total--
		if b.sending[uid]--; b.sending[uid] <= 0 {
			delete(b.sending, uid)
		}
	}, "", nil
}

func countSMS(d *Dispatcher, where string, params dbx.Params) (int, error) {
	var n int
	err := d.app.DB().NewQuery(smsCountQuery + where).Bind(params).Row(&n)
	return n, err
}
