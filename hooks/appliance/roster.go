package appliance

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"alertbutton/federation/protocol"
)

// RosterRootEnv holds the federation root public key when no flag gives it.
const RosterRootEnv = "ALERTBUTTON_FEDERATION_ROOT"

// DefaultRosterEvery is how often serve fetches the signed roster from --roster-url.
const DefaultRosterEvery = time.Hour

// RosterSource is where serve fetches the signed roster and how often; no URL, no fetching.
type RosterSource struct {
	URL   string
	Every time.Duration
	Root  ed25519.PublicKey

	rootFlag string
}

func (r *RosterSource) flags(fs *pflag.FlagSet) {
	fs.StringVar(&r.URL, "roster-url", "", "where to fetch the federation's signed roster on a schedule, e.g. https://ciam.example/api/federation/v1/roster (default: no fetching)")
	fs.DurationVar(&r.Every, "roster-every", DefaultRosterEvery, "how often to fetch the roster from --roster-url")
	fs.StringVar(&r.rootFlag, "root-public-key", "", "the federation root public key that signs the roster, base64url (default: $"+RosterRootEnv+")")
}

// resolve checks the roster flags; without --roster-url they are not needed.
func (r *RosterSource) resolve() error {
	if r.URL == "" {
		return nil
	}
	if err := protocol.CheckPeerURL(r.URL); err != nil {
		return fmt.Errorf("--roster-url: %w", err)
	}
	if r.Every < time.Minute {
		return fmt.Errorf("--roster-every %s is too often: give 1m or more (default 1h)", r.Every)
	}
	s := strings.TrimSpace(r.rootFlag)
	if s == "" {
		s = strings.TrimSpace(os.Getenv(RosterRootEnv))
	}
	key, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return fmt.Errorf("--roster-url needs the federation root public key that signs the roster: "+
			"give --root-public-key (base64url, as `roster keygen` printed it) or set %s", RosterRootEnv)
	}
	r.Root = key
	return nil
}
