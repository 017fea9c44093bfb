"""志愿云 II: a year's outstanding volunteers of a community (优秀志愿者): staff nominate them from the
year's leaderboard and publish the list; the published list is public."""
