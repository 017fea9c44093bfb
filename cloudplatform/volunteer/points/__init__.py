"""志愿服务积分制: the rules, the append-only ledger with the balance beside it, and old points expiring."""
