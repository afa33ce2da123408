//go:build race

package jurisdiction

// raceSlowdown scales time limits: the race detector makes code several times slower.
const raceSlowdown = 10
