// Package federation relays alerts between consulates' appliances (DESIGN.md section 6).
//
// Trust: a peer is trusted directly (`federation peer add`) or through the roster signed by
// the federation root key (`federation roster import`); either way its URL and keys, with
// their validity windows, live on its consulates row. A retired key verifies only what it
// signed inside its window; a key the roster revoked verifies nothing.
//
// Sending: hooks/notify queues a federation row in the outbox (hooks/outbox owns its shape)
// in the transaction of each change. At the row's first send the Relay builds the envelope
// from the alert as it is then, seals it to the destination, signs it and keeps the exact
// bytes in the row; every retry sends those bytes. A row is marked sent only on the destination's valid receipt. One worker
// goroutine per peer sends its rows; a peer that cannot be reached backs off (exponential
// with jitter, at most 5 minutes) and is probed every few seconds with GET /api/health, the
// first answer ending the backoff, so a backlog drains as soon as the peer is back. Rows
// the peer refuses back off on their own and are never given up. Rows still undelivered
// after 2 minutes flag their alert (relay_status, a timeline event); after 10 they are
// escalated and every staff member is woken.
//
// Receiving: POST /api/federation/v1/inbox verifies the request (window, nonce), the
// envelope's origin signature and its destination, then stores the envelope and its effects
// in one transaction and answers with a signed receipt; a duplicate gets the stored receipt.
// Status is last writer wins by (seq, writer), a Lamport clock per alert (seq.go); a status
// that overtakes its alert is held until the alert arrives.
package federation
