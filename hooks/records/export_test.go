package records

import (
	"maps"
	"slices"
)

// FastCollections lists the collections Save validates itself.
func FastCollections() []string { return slices.Sorted(maps.Keys(fast)) }
