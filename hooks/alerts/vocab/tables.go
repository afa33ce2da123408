package vocab

// FederationCollections are the federation's own collections, in creation order. Nobody
// writes them through the records API: the federation service manages them.
var FederationCollections = []string{
	"federation_inbox", "federation_nonces", "federation_rosters", "federation_peers", "federation_seq",
}

// RosterHighWaterTable holds the highest roster version ever imported, so that deleting
// federation_rosters rows cannot make an older roster acceptable again.
const RosterHighWaterTable = "_federation_roster_high_water"
