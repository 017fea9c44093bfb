"""志愿云 II: star levels and leaderboards. A volunteer's confirmed minutes and service points are tallied
per period (all time, the year, the month of the service) in the transaction that confirms, corrects or
awards them; a leaderboard reads the tallies by an index, never the ledger."""
