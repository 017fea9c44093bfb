"""``python -m cloudplatform.wechat.standin [--port 5002]``: the stand-in alone."""

from cloudplatform.wechat.standin.server import main

main()
