"""Browser journeys through the mini-program's 我的云柜, 困难救助 and 群众点单 pages (the H5 build)."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.locker import operations
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import AidApplication
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands.models import Demand
from tests.locker.core import make_cabinet, resident_of
from tests.miniprogram.helpers import log_in
from tests.service.aid.fixtures import ID_NUMBER, categories, png_bytes, resident_at
from tests.service.demands.fixtures import make_organisation, org_worker

pytestmark = pytest.mark.browser


def test_a_resident_sees_the_pickup_code_and_qr_of_an_item_waiting_in_a_locker(
    live_server, phone, db, world, tmp_path
):
    cabinet, _, _ = make_cabinet(world.home, name="火炬路云柜")
    user = resident_of(world.home, "liming")
    issued = operations.deposit(world.staff[GRID_WORKER], cabinet.id, user.id, "S", "居住证明")
    db.session.commit()

    resident = phone()
    log_in(resident, live_server, "liming")
    resident.get_by_text("我的云柜").click()
    waiting = resident.locator("[data-test=waiting-item]", has_text="居住证明")
    expect(waiting).to_contain_text("火炬路云柜")
    expect(waiting.locator("[data-test=pickup-code]")).to_have_text(f"{issued.code[:4]} {issued.code[4:]}")
    waiting.locator("[data-test=show-qr]").click()
    expect(waiting.locator("[data-test=pickup-qr] img")).to_have_attribute(
        "src", re.compile(r"^data:image/png;base64,")
    )
    resident.screenshot(path=tmp_path / "locker-waiting.png", full_page=True)


def test_a_resident_applies_for_aid_with_a_material_and_follows_its_progress(
    live_server, phone, db, world, tmp_path
):
    temporary = categories()["temporary"]
    resident_at(world, "guifang")

    resident = phone()
    log_in(resident, live_server, "guifang")
    resident.get_by_text("困难救助").click()
    expect(resident.locator("[data-test=aid-category]", has_text="临时救助")).to_contain_text("身份证")
    resident.locator(f"[data-test=apply-{temporary.key}]").click()
    resident.locator("[data-test=aid-name] input").fill("李桂芳")
    resident.locator("[data-test=aid-id-number] input").fill(ID_NUMBER)
    resident.locator("[data-test=aid-phone] input").fill("13800001234")
    resident.locator("[data-test=aid-income] input").fill("1200")
    resident.locator("[data-test=aid-situation] textarea").fill("丈夫因病去世，独自抚养两个孩子")
    resident.locator("[data-test=aid-reason] textarea").fill("孩子住院，医疗费用无力承担")
    resident.locator("[data-test=aid-amount] input").fill("3000")
    with resident.expect_file_chooser() as chooser:
        resident.locator("[data-test=upload-身份证]").click()
    chooser.value.set_files(files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(resident.locator("[data-test=aid-materials]")).to_contain_text("已上传")
    resident.locator("[data-test=submit-aid]").click()

    expect(resident.locator("[data-test=aid-status]")).to_have_text("待受理")
    expect(resident.locator("[data-test=aid-timeline]")).to_contain_text("提交申请")
    application = db.session.scalars(sa.select(AidApplication)).one()
    assert application.amount_requested == 300000 and application.monthly_income == 120000
    assert [file.material for file in application.files] == ["身份证"]

    aid.accept(world.staff[GRID_WORKER], application, note="社区已受理，将进行审核")
    db.session.commit()
    resident.reload()
    expect(resident.locator("[data-test=aid-status]")).to_have_text("社区审核")
    expect(resident.locator("[data-test=aid-timeline]")).to_contain_text("社区已受理，将进行审核")
    resident.screenshot(path=tmp_path / "aid-progress.png", full_page=True)


def test_a_resident_orders_help_follows_the_five_steps_and_rates_the_result(
    live_server, phone, db, world, tmp_path
):
    organisation = make_organisation(world.home)
    worker = org_worker(organisation, "laozhou")
    resident_of(world.home, "guilan")

    resident = phone()
    log_in(resident, live_server, "guilan")
    resident.get_by_text("群众点单").click()
    resident.locator("[data-test=new-demand]").click()
    resident.locator("[data-test=category-elderly]").click()
    resident.locator("[data-test=demand-title] input").fill("楼道扶手松动")
    resident.locator("[data-test=demand-description] textarea").fill(
        "3号楼2单元楼道扶手松动，老人上下楼不安全"
    )
    resident.locator("[data-test=demand-location] input").fill("3号楼2单元")
    resident.locator("[data-test=submit-demand]").click()
    expect(resident.locator("[data-test=demand-status]")).to_have_text("待下单")
    expect(resident.locator("[data-test=five-steps] .done")).to_have_count(1)
    expect(resident.locator("[data-test=demand-timeline]")).to_contain_text("群众点单")

    demand = db.session.scalars(sa.select(Demand)).one()
    facts = {
        "funding_source": "社区党组织服务群众经费",
        "responsible_member": "李建国",
        "project": "楼道扶手维修",
    }
    five.dispatch(
        world.staff[COMMUNITY_STAFF],
        demand,
        organisation_id=organisation.id,
        deadline=date.today() + timedelta(days=14),
        **facts,
    )
    five.accept(worker, demand)
    five.report_done(worker, demand, "已更换扶手")
    five.verify(world.staff[STREET_ADMIN], demand)
    db.session.commit()

    resident.reload()
    expect(resident.locator("[data-test=demand-status]")).to_have_text("待评价")
    expect(resident.locator("[data-test=five-steps] .done")).to_have_count(4)
    expect(resident.locator("[data-test=four-public]")).to_contain_text("火炬路为老服务中心")
    expect(resident.locator("[data-test=demand-timeline]")).to_contain_text("已更换扶手")
    resident.locator("[data-test=star-4]").click()
    resident.locator("[data-test=rating-comment] textarea").fill("维修及时")
    resident.locator("[data-test=submit-rating]").click()
    expect(resident.locator("[data-test=demand-status]")).to_have_text("已评价")
    expect(resident.locator("[data-test=rated]")).to_contain_text("★★★★☆")
    expect(resident.locator("[data-test=five-steps] .done")).to_have_count(5)
    resident.screenshot(path=tmp_path / "demand-rated.png", full_page=True)
