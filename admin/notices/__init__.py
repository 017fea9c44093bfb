"""通知公告: publishing notices, their read statistics and withdrawal."""
