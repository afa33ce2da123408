package schedule

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Environment variables that change how long closed alerts keep their location and note
// (whole days, 1 or more). Unset, the defaults below apply.
const (
	EnvClosedDays     = "ALERTBUTTON_RETENTION_CLOSED_DAYS"
	EnvFalseAlarmDays = "ALERTBUTTON_RETENTION_FALSE_ALARM_DAYS"
)

const day = 24 * time.Hour

// Settings are the jobs' limits.
type Settings struct {
	Retention Retention

	// A push subscription is deleted once it has failed PruneFailures times in a row and
	// has not worked for PruneIdle.
	PruneFailures int
	PruneIdle     time.Duration
}

// DefaultSettings keeps closed alerts' location and note 90 days, a false alarm's 7.
func DefaultSettings() Settings {
	return Settings{
		Retention:     Retention{Closed: 90 * day, FalseAlarm: 7 * day},
		PruneFailures: 10,
		PruneIdle:     30 * day,
	}
}

// SettingsFromEnv returns the defaults changed by the environment. A bad value keeps its
// default and is reported in the error: the scheduler runs anyway.
func SettingsFromEnv() (Settings, error) {
	s := DefaultSettings()
	var errs []error
	if d, err := days(EnvClosedDays); err != nil {
		errs = append(errs, err)
	} else if d > 0 {
		s.Retention.Closed = d
	}
	if d, err := days(EnvFalseAlarmDays); err != nil {
		errs = append(errs, err)
	} else if d > 0 {
		s.Retention.FalseAlarm = d
	}
	if len(errs) > 0 {
		return s, fmt.Errorf("schedule: %v", errs)
	}
	return s, nil
}

// EnvDays reads the environment variable name as whole days (1 to 36500): 0 when unset, an
// error saying so when it is not such a number.
func EnvDays(name string) (time.Duration, error) { return days(name) }

// days reads a variable of whole days; 0 when unset.
func days(name string) (time.Duration, error) {
	raw := os.Getenv(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 36500 {
		return 0, fmt.Errorf("%s=%q is not a number of days from 1 to 36500; using the default", name, raw)
	}
	return time.Duration(n) * day, nil
}
