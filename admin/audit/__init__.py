"""审计日志: who did what, within the staff member's scope."""
