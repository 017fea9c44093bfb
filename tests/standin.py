"""The WeChat app the test stand-in knows: every test logs in through it."""

STANDIN_APPID, STANDIN_SECRET = "wx-test-appid", "test-app-secret-0123456789"
