"""The demo's organisations, workers, demands at every step and messages, as the README and the other
front ends' walkthroughs use them."""

import sqlalchemy as sa

from cloudplatform.demo import load_demo_data
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.identity.operations import hasher
from cloudplatform.service.demands import queries
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISMISSED,
    DISPATCHED,
    DONE,
    MERGED,
    RATED,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandStep,
    Organisation,
)
from cloudplatform.service.messages.models import MAILBOX, REPLIED, SUGGESTION, WAITING, Message
from tests.world import fresh_code


def loaded(db):
    load_demo_data()
    db.session.commit()
    return {
        c.name: c
        for c in db.session.scalars(
            sa.select(Community).where(Community.name.in_(["火炬路社区", "金河尚居社区"]))
        )
    }


def test_a_dozen_organisations_with_the_seeds_service_areas_one_a_party_branch(db):
    loaded(db)
    organisations = db.session.scalars(sa.select(Organisation)).all()
    assert len(organisations) == 12
    kinds = {o.kind for o in organisations}
    assert kinds == {"social", "volunteer_team", "party_unit"}
    areas = {a for o in organisations for a in o.service_areas}
    assert {"elderly", "disability", "housekeeping", "youth", "culture", "volunteer"} <= areas
    (branch,) = [o for o in organisations if o.kind == "party_unit"]
    assert branch.party_unit_id is not None
    weilao = next(o for o in organisations if o.name == "火炬路社区为老服务中心")
    assert weilao.community.name == "火炬路社区"
    assert weilao.service_areas == ["elderly", "disability"]


def test_the_workers_log_in_to_the_console_and_by_their_dev_code(client, db):
    loaded(db)
    staff = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "weilao"))
    assert (staff.display_name, staff.role) == ("孙丽（为老服务中心）", "org_staff")
    assert queries.organisation_of(staff).name == "火炬路社区为老服务中心"
    linli = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "linli"))
    assert queries.organisation_of(linli).name == "金河尚居社区邻里互助会"
    assert hasher.verify(staff.password_hash, "baoji-demo-2026")
    token = client.post("/api/v1/auth/login", json={"code": fresh_code("weilao")}).json["token"]
    assert token


def test_both_communities_have_demands_at_every_step(db):
    communities = loaded(db)
    for community in communities.values():
        demands = db.session.scalars(sa.select(Demand).where(Demand.community_id == community.id)).all()
        statuses = {d.status for d in demands}
        assert statuses == {SUBMITTED, DISPATCHED, ACCEPTED, DONE, VERIFIED, RATED, DISMISSED, MERGED}
        assert any(d.held for d in demands)
        assert sum(d.overdue for d in demands) == 1
        assert any(d.reopened_at is not None and d.status == SUBMITTED for d in demands)
        merged = next(d for d in demands if d.status == MERGED)
        assert db.session.get(Demand, merged.merged_into_id).status == ACCEPTED
        supervised = db.session.scalar(
            sa.select(sa.func.count(DemandStep.id))
            .join(Demand, Demand.id == DemandStep.demand_id)
            .where(Demand.community_id == community.id, DemandStep.action == "supervise")
        )
        assert supervised >= 1
        # dated back: submitted over the last weeks, the steps in order
        assert len({d.submitted_at.date() for d in demands}) > 5
        for demand in demands:
            times = [s.created_at for s in demand.steps]
            assert times == sorted(times)
            assert demand.steps[-1].to_status == demand.status


def test_the_demo_resident_has_a_demand_to_rate_and_one_being_worked_on(db):
    from cloudplatform.service.aid.demo import demo_resident

    loaded(db)
    zhang = demo_resident()
    page, _ = queries.my_demands_page(zhang, None, 20)
    assert {d.status for d in page} >= {VERIFIED, ACCEPTED}


def test_messages_wait_are_replied_and_one_is_published(db):
    communities = loaded(db)
    for community in communities.values():
        messages = db.session.scalars(sa.select(Message).where(Message.community_id == community.id)).all()
        assert {(m.kind, m.status) for m in messages} == {
            (SUGGESTION, WAITING),
            (MAILBOX, WAITING),
            (SUGGESTION, REPLIED),
            (MAILBOX, REPLIED),
        }
        assert sum(m.published_at is not None for m in messages) == 1
