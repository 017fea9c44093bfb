"""志愿者: residents register as volunteers of their community (with consent to the terms and a bound
phone), show a personal QR an organiser scans, and join teams; staff suspend and reinstate them."""
