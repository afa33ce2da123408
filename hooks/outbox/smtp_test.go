package outbox_test

import (
	"net"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
)

// smtpServer is a mail server on loopback that speaks enough SMTP for PocketBase's client:
// it answers RCPT TO with rcpt ("250 OK", "550 ...", "451 ...") and counts the messages it
// took.
func smtpServer(t *testing.T, rcpt string) (port int, taken *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	taken = new(atomic.Int32)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go serveSMTP(conn, rcpt, taken)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, taken
}

func serveSMTP(conn net.Conn, rcpt string, taken *atomic.Int32) {
	defer conn.Close()
	c := textproto.NewConn(conn)
	c.PrintfLine("220 mail.test ESMTP")
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		switch verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0]); verb {
		case "EHLO", "HELO":
			c.PrintfLine("250 mail.test")
		case "RCPT":
			c.PrintfLine("%s", rcpt)
		case "DATA":
			c.PrintfLine("354 go ahead")
			if _, err := c.ReadDotBytes(); err != nil {
				return
			}
			taken.Add(1)
			c.PrintfLine("250 2.0.0 queued")
		case "QUIT":
			c.PrintfLine("221 bye")
			return
		default: // MAIL, RSET, NOOP
			c.PrintfLine("250 OK")
		}
	}
}

// sendThrough makes app's e-mails go to the SMTP server on port, past the test mailer.
func sendThrough(app *tests.TestApp, port int) {
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		e.Mailer = &mailer.SMTPClient{Host: "127.0.0.1", Port: port}
		return e.Next()
	})
}

// What people are shown of an e-mail is the mail server's answer: delivered on its 250;
// failed, with why and without the address, when it refuses for good (5xx); still queued,
// with why, when it asks to try later (4xx), which the dispatcher does.
func TestEmailDeliveryStateIsTheMailServersAnswer(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rcpt, delivery, state, why string
		taken                      int32
	}{
		{"250 OK", "delivered", "sent", "", 1},
		{"550 5.1.1 <juan@familia.example.mx>: mailbox unavailable", "failed", "dead", "550", 0},
		{"451 4.3.0 try again later", "queued", "pending", "451", 0},
	} {
		app, cfg := apptest.New(t, "los-angeles")
		enableSMTP(app, cfg)
		port, taken := smtpServer(t, c.rcpt)
		sendThrough(app, port)
		contact := newContact(t, app, "juan@familia.example.mx", "es")
		queueEmail(t, app, contact.Id, payload(1))
		runOnce(t, dispatcher(t, app, cfg, outbox.Options{}))
		row := onlyRow(t, app, contact.Id)
		if row.GetString("delivery") != c.delivery || row.GetString("state") != c.state {
			t.Errorf("server %q: delivery %q (state %q), want %q", c.rcpt, row.GetString("delivery"), row.GetString("state"), c.delivery)
		}
		if why := row.GetString("last_error"); !strings.Contains(why, c.why) || strings.Contains(why, "juan@") {
			t.Errorf("server %q: last_error %q", c.rcpt, why)
		}
		if c.delivery == "delivered" && row.GetDateTime("delivered_at").IsZero() {
			t.Error("delivered with no delivered_at")
		}
		if n := taken.Load(); n != c.taken {
			t.Errorf("server %q took %d messages, want %d", c.rcpt, n, c.taken)
		}
	}
}
