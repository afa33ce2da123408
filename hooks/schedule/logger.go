package schedule

import "github.com/pocketbase/pocketbase/core"

// cronLogger writes cron's messages to the app's log: its routine chatter (every start,
// wake and skip) at debug level, and recovered panics as errors.
type cronLogger struct{ app core.App }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.app.Logger().Debug("schedule: "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.app.Logger().Error("schedule: "+msg, append([]any{"error", err}, keysAndValues...)...)
}
