// Package replicate replicates the appliance's database continuously with Litestream
// (serve --replicate URL) and restores it from a replica (alertbutton restore).
package replicate

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/benbjohnson/litestream/s3"
	"github.com/benbjohnson/litestream/sftp"
)

// Client is the Litestream replica client for raw, one of
//
//	s3://BUCKET/PATH[?endpoint=http://HOST:PORT&region=REGION]   keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
//	file:///ABSOLUTE/PATH
//	sftp://USER@HOST[:PORT]/PATH?key=PRIVATE_KEY_FILE&host-key=HOST_PUBLIC_KEY_FILE
//
// Secrets never travel in the URL, which shows in process lists and logs.
func Client(raw string) (litestream.ReplicaClient, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("--replicate %q is not a URL like s3://bucket/path, file:///path or sftp://user@host/path", Redact(raw))
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		return nil, fmt.Errorf("--replicate %s holds a password: give sftp a key file (?key=FILE) and S3 its keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", Redact(raw))
	}
	switch u.Scheme {
	case "s3":
		if u.User != nil {
			return nil, fmt.Errorf("--replicate %s: S3 keys go in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the URL", Redact(raw))
		}
		if u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return nil, fmt.Errorf("--replicate %s needs a bucket and a path: s3://bucket/path", Redact(raw))
		}
		return s3.NewReplicaClientFromURL(u.Scheme, u.Host, strings.Trim(u.Path, "/"), u.Query(), nil)
	case "file":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return nil, fmt.Errorf("--replicate %s: a file replica needs an absolute path, file:///path", Redact(raw))
		}
		return file.NewReplicaClient(u.Path), nil
	case "sftp":
		return sftpClient(u)
	}
	return nil, fmt.Errorf("--replicate %s: use s3://, file:// or sftp://", Redact(raw))
}

func sftpClient(u *url.URL) (litestream.ReplicaClient, error) {
	q := u.Query()
	if u.User == nil || u.User.Username() == "" || u.Host == "" {
		return nil, fmt.Errorf("--replicate %s: sftp needs a user and a host, sftp://user@host/path", Redact(u.String()))
	}
	if q.Get("key") == "" || q.Get("host-key") == "" {
		return nil, fmt.Errorf("--replicate %s: sftp needs ?key=FILE (the private key) and &host-key=FILE (the server's public key, a copy of its /etc/ssh/ssh_host_ed25519_key.pub), so that no other server can pose as the replica", Redact(u.String()))
	}
	hostKey, err := os.ReadFile(q.Get("host-key"))
	if err != nil {
		return nil, fmt.Errorf("--replicate: reading the sftp host key: %w", err)
	}
	c := sftp.NewReplicaClient()
	c.Host = u.Host
	c.User = u.User.Username()
	c.Path = strings.TrimPrefix(u.Path, "/")
	c.KeyPath = q.Get("key")
	c.HostKey = strings.TrimSpace(string(hostKey))
	return c, nil
}

// Redact is raw as a log may show it: no user information, no query values but the
// endpoint and the region.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unreadable URL)"
	}
	if u.User != nil {
		u.User = url.User("…")
	}
	q := url.Values{}
	for k, v := range u.Query() {
		if k == "endpoint" || k == "region" {
			q[k] = v
		} else {
			q.Set(k, "…")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
