package e2e

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"
)

// mountSmallDisk mounts a tmpfs of size (e.g. "24m") on a new directory and unmounts it when
// the test ends. Without the right to mount it skips, saying why; under CI=true, which runs
// as root on a machine where mounting works, it fails instead.
func mountSmallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := "cannot mount a small tmpfs to fill (needs root and mount rights): " + strings.TrimSpace(string(out))
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			exec.Command("umount", "-l", dir).Run()
			t.Logf("umount %s: %v %s (unmounted lazily)", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the disk has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}

// TestDiskFullIsSaidPlainlyAndRecovers serves the data directory from a small disk, fills
// the disk while alerts are posted, and checks that no alert is answered 2xx unless it is
// stored, that the answer says what is wrong (507, in the person's language, with the
// protection line's number), and that once space returns the next alert is stored, with
// no restart.
func TestDiskFullIsSaidPlainlyAndRecovers(t *testing.T) {
	disk := mountSmallDisk(t, "24m")
	dir := filepath.Join(disk, "pb_data")
	a := start(t, dir, "los-angeles")
	people := registerPeople(t, a.URL, 8, nil, "")
	filler := filepath.Join(disk, "filler")

	acked := map[string]bool{}
	post := func(p *person, uid string) (int, string) {
		status, body, err := call(p.client(), "POST", a.URL+"/api/alertbutton/alerts", p.token,
			map[string]any{"uid": uid, "kind": "detained", "lat": 34.0522, "lon": -118.2437, "note": strings.Repeat("nota ", 150)})
		if err != nil {
			t.Fatalf("alert %s: %v (the appliance died?)\n%s", uid, err, a.output)
		}
		if status == 201 || status == 200 {
			acked[uid] = true
		}
		return status, string(body)
	}

	// Before: stored.
	if status, body := post(people[0], uuid.Must(uuid.NewV7()).String()); status != 201 {
		t.Fatalf("before the disk fills: %d %s", status, body)
	}

	// The disk fills. Alerts keep coming until one is refused for lack of space.
	fill(t, filler)
	var refused []string
	var answer string
	for i := 0; len(refused) < 3 && i < 2*len(people); i++ {
		uid := uuid.Must(uuid.NewV7()).String()
		status, body := post(people[1+i%(len(people)-1)], uid)
		switch {
		case status == 201:
		case status == http.StatusInsufficientStorage:
			refused = append(refused, uid)
			answer = body
		default:
			t.Fatalf("with the disk full: HTTP %d %s", status, body)
		}
	}
	if len(refused) == 0 {
		t.Fatal("no alert was refused with the disk full")
	}
	var e struct {
		Status  int
		Message string
	}
	json.Unmarshal([]byte(answer), &e)
	if e.Status != 507 || !strings.Contains(e.Message, "+1 520 623 7874") || !strings.Contains(e.Message, "espacio en disco") {
		t.Errorf("the person and IT are not told what is wrong: %s", answer)
	}
	// PocketBase's own routes say it the same way, in the request's language.
	status, body, _ := call(http.DefaultClient, "POST", a.URL+"/api/collections/registrants/records?lang=en", "", map[string]any{
		"phone": "+13235559999", "password": "contraseña-larga-1", "passwordConfirm": "contraseña-larga-1",
		"name": "Persona Nueva", "language": "en", "consent": true,
	})
	if status != http.StatusInsufficientStorage || !strings.Contains(string(body), "out of disk space") {
		t.Errorf("signing up with the disk full: %d %s", status, body)
	}

	// Space returns: the refused alerts, sent again, are stored, with no restart.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for i, uid := range refused {
		if status, body := post(people[1+i%(len(people)-1)], uid); status != 201 {
			t.Errorf("after space returned, alert %s: %d %s", uid, status, body)
		}
	}
	a.stop()

	db := openStored(t, dir)
	defer db.Close()
	for uid := range acked {
		var n int
		db.QueryRow("SELECT count(*) FROM alerts WHERE uid = ?", uid).Scan(&n)
		if n != 1 {
			t.Errorf("alert %s was answered 2xx and is stored %d times", uid, n)
		}
	}
	t.Logf("%d alerts stored, %d refused while the disk was full and stored after", len(acked), len(refused))
}
