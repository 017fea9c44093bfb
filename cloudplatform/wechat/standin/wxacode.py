"""Mini-program codes: ``wxa/getwxacodeunlimit`` answers a JPEG image of the page and scene (PNG
after ``POST /_standin/wxacode {"format": "png"}``, until reset).

40169 a scene over 32 characters or outside ``0-9A-Za-z!#$&'()*+,/:;=?@-._~``; 41030 a page with a
leading "/" or a query, or (``check_path`` defaults to true) a page not among the released pages.
"""

import re

from flask import Blueprint, Response

from cloudplatform.qr import qr_jpeg, qr_png
from cloudplatform.wechat.standin.wx import body, needs_token, state, wx_error

bp = Blueprint("standin_wxacode", __name__)

SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}")
HOME = "pages/index/index"


@bp.post("/wxa/getwxacodeunlimit")
@needs_token
def getwxacodeunlimit():
    data = body()
    scene = data.get("scene")
    if not isinstance(scene, str) or not SCENE.fullmatch(scene):
        return wx_error(40169)
    page = data.get("page") or HOME
    check_path = data.get("check_path", True) is not False
    if not isinstance(page, str) or page.startswith("/") or "?" in page:
        return wx_error(41030)
    if check_path and not state().page_released(page):
        return wx_error(41030)
    text = f"{page}?scene={scene}"
    if state().wxacode_format == "png":
        return Response(qr_png(text), mimetype="image/png")
    return Response(qr_jpeg(text), mimetype="image/jpeg")
