"""服务云 · 群众点单: residents' needs through the 五单 flow (下单, 接单, 督单, 验单, 民评) with
四公开, and the organisations that take them on."""
