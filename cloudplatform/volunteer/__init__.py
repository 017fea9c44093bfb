"""志愿云: volunteers, projects and shifts, attendance and hours, and the points ledger."""
