"""Mini-program codes: ``wxa/getwxacodeunlimit`` answers an image of the page and scene."""

import re

from flask import Blueprint, Response

from cloudplatform.qr import qr_png
from cloudplatform.wechat.standin.wx import body, needs_token, wx_error

bp = Blueprint("standin_wxacode", __name__)

SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}")


@bp.post("/wxa/getwxacodeunlimit")
@needs_token
def getwxacodeunlimit():
    data = body()
    scene = data.get("scene")
    if not isinstance(scene, str) or not SCENE.fullmatch(scene):
        return wx_error(40169)
    page = data.get("page") or "pages/index/index"
    if not isinstance(page, str) or page.startswith("/"):
        return wx_error(41030)
    return Response(qr_png(f"{page}?scene={scene}"), mimetype="image/png")
