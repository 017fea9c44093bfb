"""开发用: development pages (never in production)."""
