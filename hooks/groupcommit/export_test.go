package groupcommit

// Queued is how many writes wait for the batch under way.
func (c *Committer) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}
