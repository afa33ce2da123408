package limits

// Fill takes every place of the gate until release is called.
func (g *Gate) Fill() (release func()) {
	for range cap(g.slots) {
		g.slots <- struct{}{}
	}
	return func() {
		for range cap(g.slots) {
			<-g.slots
		}
	}
}
