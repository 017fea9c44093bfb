"""服务云 · 困难救助: hardship aid applications, their review, 公示 and the working-day clock."""
