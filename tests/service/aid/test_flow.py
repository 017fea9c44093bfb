"""A case goes end to end through the operations: submitted, materials listed and completed, accepted,
visited, 公示 with an objection answered, the street's approval; the applicant is told at each step."""

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER, STREET_ADMIN
from cloudplatform.notify.models import Notification
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import GRANTED, AidApplication
from tests.service.aid.fixtures import application_fields, categories, resident_at, upload_for


def test_a_case_goes_from_submission_to_the_streets_approval(world, clock):
    medical = categories()["medical"]
    applicant = resident_at(world, "李桂芳")
    neighbour = resident_at(world, "赵大爷", room="2-202")
    grid, street = world.staff[GRID_WORKER], world.staff[STREET_ADMIN]

    case = aid.apply(
        applicant, **application_fields(world, medical), materials=[(upload_for(applicant), "身份证")]
    )
    _db.session.commit()
    first_due = case.due_on
    aid.request_materials(grid, case, ["诊断证明", "医疗费用票据"])
    _db.session.commit()
    clock.shift(86400 * 2)
    aid.resubmit(applicant, case, [(upload_for(applicant, "诊断证明.png"), "诊断证明")])
    assert case.due_on > first_due  # the clock paused while materials were missing
    aid.accept(grid, case)
    aid.record_visit(grid, case, "入户核实：家中无其他收入")
    aid.publicize(grid, case, proposed_amount=200000)
    objection = aid.object_to(neighbour, case, "申请人家中有门面房出租")
    _db.session.commit()
    clock.shift(86400 * 7)
    aid.answer_objection(grid, case, objection.id, "经核查门面房已于去年出售")
    aid.forward(grid, case)
    aid.grant(street, case, 200000, note="")
    _db.session.commit()

    assert _db.session.get(AidApplication, case.id).status == GRANTED
    told = _db.session.scalars(sa.select(Notification).where(Notification.user_id == applicant.id)).all()
    steps = [m.data["phrase2"]["value"] for m in told]
    assert steps == ["待补正材料", "社区审核", "公示中", "街道审批", "已批准"]  # each staff step
