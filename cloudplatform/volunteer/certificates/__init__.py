"""志愿服务证明: a volunteer's service certificate (hours, star level, period) as a PNG with a QR code that
anyone can verify by its random token; staff revoke one with a reason."""
