"""党建云: in-service party members report to the community where they live and serve it."""
