package appliance

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretEnv is the variable `alertbutton install` has serve read the secret from
// (--encryptionEnv ALERTBUTTON_SECRET); it is filled from the service's credential.
const SecretEnv = "ALERTBUTTON_SECRET"

// Credentials are the files systemd's LoadCredential= hands the service in
// $CREDENTIALS_DIRECTORY, by name, and the variable each fills: the secret never sits in
// the unit's Environment=, which `systemctl show` prints to any user.
var Credentials = map[string]string{
	"secret":        SecretEnv,
	"sms-token":     SMSTokenEnv,
	"metrics-token": MetricsTokenEnv,
}

// LoadCredentials sets each variable of Credentials from its file in $CREDENTIALS_DIRECTORY,
// unless the variable is already set. The variables live in this process only: what the
// kernel shows of its environment (/proc/PID/environ) is what it was started with.
func LoadCredentials() error {
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	if dir == "" {
		return nil
	}
	for name, env := range Credentials {
		if os.Getenv(env) != "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read the credential %s: %w", name, err)
		}
		os.Setenv(env, strings.TrimSpace(string(raw)))
	}
	return nil
}
