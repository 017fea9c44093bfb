"""预约: bookable services, the day at the counter (核销) and booking suspensions."""
