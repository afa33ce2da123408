package backup

import (
	"archive/zip"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/keys"
	"alertbutton/hooks/audit"
)

// HeadFile is the backup's entry holding the audit chain's head as of the backup, signed
// with the appliance's key: a backup kept where IT cannot replace it anchors the log, and
// GET /api/alertbutton/audit/verify?anchor=LINE checks a log against it.
const HeadFile = "audit-head.txt"

// signedHead signs the head of app's audit chain. Read before the snapshots, the head is
// in them.
func signedHead(app core.App) ([]byte, error) {
	k, err := keys.LoadOrCreate(app.DataDir())
	if err != nil {
		return nil, err
	}
	a, err := audit.SignHead(app, k.Signer(), time.Now())
	if err != nil {
		return nil, err
	}
	return []byte(a.String() + "\n"), nil
}

func addBytes(zw *zip.Writer, name string, data []byte) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = fw.Write(data)
	return err
}
