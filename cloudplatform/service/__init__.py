"""服务云: notices, procedure guides, bookable services (and later aid, demands, messages)."""
