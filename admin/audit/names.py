"""What the audit log shows instead of codes: each action recorded anywhere (``record(actor, action,
...)``) by its Chinese name, and each target by its Chinese type name, linked to its console page where
there is one. ``tests/admin/test_audit_names.py`` fails when code records an action named nowhere here.
"""

from dataclasses import dataclass

from flask import url_for
from werkzeug.routing import BuildError

ACTION_NAMES = {
    # sign-in and accounts
    "staff.sign_in": "登录后台",
    "staff.sign_in_failed": "登录失败",
    "staff.lock": "多次密码错误，账号暂时锁定",
    "staff.unlock": "解锁工作人员账号",
    "staff.password_change": "修改本人密码",
    "staff.password_reset": "重置工作人员密码",
    "staff.create": "新建工作人员账号",
    "staff.activate": "启用工作人员账号",
    "staff.deactivate": "停用工作人员账号",
    "staff.grids": "设置网格员负责的网格",
    "staff.link_user": "关联微信用户",
    # residents
    "user.bind_phone": "绑定手机号",
    "residency.request": "提交居民认证",
    "residency.view": "查看居民认证申请",
    "residency.approved": "通过居民认证",
    "residency.rejected": "驳回居民认证",
    # notices, guides, attachments
    "notice.publish": "发布通知公告",
    "notice.withdraw": "撤回通知公告",
    "notice.broadcast": "发布街道或全市通知",
    "notice.broadcast_withdraw": "撤回街道或全市通知",
    "guide.create": "新建办事指南",
    "guide.update": "修改办事指南",
    "guide.publish": "发布办事指南",
    "guide.unpublish": "下架办事指南",
    "upload.create": "上传附件",
    # bookings
    "bookable.create": "新建预约事项",
    "bookable.update": "修改预约事项",
    "bookable.hours": "设置开放时间",
    "bookable.closure": "设置暂停服务日",
    "booking.confirmed": "通过预约",
    "booking.rejected": "驳回预约",
    "booking.check_in": "预约签到",
    "booking.suspension_lift": "解除预约暂停",
    # 党建云: units, reports, posts
    "party_unit.create": "登记单位党组织",
    "party_unit.update": "修改单位党组织",
    "party_unit.activate": "启用单位党组织",
    "party_unit.deactivate": "停用单位党组织",
    "party_report.submit": "提交党员报到",
    "party_report.view": "查看党员报到",
    "party_report.approved": "通过党员报到",
    "party_report.rejected": "驳回党员报到",
    "party_report.revoked": "撤销党员报到",
    "party_report.lapsed": "报到逾期失效",
    "party_report.reconfirm": "党员年度确认",
    "service_post.create": "设立服务岗位",
    "service_post.update": "修改服务岗位",
    "service_post.close": "停止岗位认领",
    "post_claim.create": "认领服务岗位",
    "post_claim.confirmed": "确认岗位认领",
    "post_claim.released": "释放服务岗位",
    "service_hours.post": "记入岗位服务时长",
    "unit_report.build": "生成单位月报",
    # 党建云: activities and their attendance
    "party_activity.create": "发布党建活动",
    "party_activity.update": "修改党建活动",
    "party_activity.cancel": "取消党建活动",
    "party_activity.confirm": "确认活动出勤",
    "party_activity.confirm_all": "确认全部签到成员出勤",
    "party_activity.correct_hours": "更正活动服务时长",
    # 云柜
    "deposit.create": "云柜存件",
    "deposit.cancel": "取消云柜存件",
    "deposit.remote_open": "远程开柜",
    "deposit.retrieve": "回收过期存件",
    "cabinet.rotate_key": "更换云柜密钥",
    "locker.lockout": "云柜取件码错误过多锁定",
    "locker.fault": "云柜格口故障",
    # 困难救助
    "aid_application.submit": "提交救助申请",
    "aid_application.resubmit": "补正救助申请材料",
    "aid_application.withdraw": "撤回救助申请",
    "aid_application.accept": "受理救助申请",
    "aid_application.request_materials": "要求补正救助材料",
    "aid_application.visit": "记录入户核查",
    "aid_application.publicize": "救助申请进入公示",
    "aid_application.forward": "救助申请报街道审批",
    "aid_application.reject": "驳回救助申请",
    "aid_application.grant": "批准救助",
    "aid_application.emergency": "先行救助",
    "aid_application.view": "查看救助申请完整信息",
    "aid_application.export": "导出救助申请",
    "aid_category.create": "新建救助类别",
    "aid_category.update": "修改救助类别",
    # 群众点单 and messages
    "demand.submit": "提交诉求",
    "demand.release": "诉求内容审核通过",
    "demand.dispatch": "诉求下单",
    "demand.accept": "组织接单",
    "demand.decline": "组织退单",
    "demand.supervise": "诉求督单",
    "demand.report_done": "组织报结",
    "demand.verify": "街道验单",
    "demand.send_back": "街道退回重办",
    "demand.rate": "诉求评价",
    "demand.reopen": "诉求重新办理",
    "demand.dismiss": "诉求不予受理",
    "demand.merge": "合并诉求",
    "demand.export": "导出诉求",
    "organisation.create": "新建社会组织",
    "organisation.update": "修改社会组织",
    "organisation.add_worker": "添加社会组织工作人员",
    "message.reply": "回复留言",
    "message.publish": "公开建言及答复",
    "volunteer.register": "注册志愿者",
    "volunteer.suspend": "暂停志愿者",
    "volunteer.reinstate": "恢复志愿者",
    "volunteer_team.create": "创建志愿服务队",
    "volunteer_team.update": "修改志愿服务队",
    "volunteer_team.add_member": "添加服务队成员",
    "volunteer_team.remove_member": "移除服务队成员",
    "volunteer_team.set_leader": "设置服务队队长",
    "volunteer_project.create": "创建志愿项目",
    "volunteer_project.update": "修改志愿项目",
    "volunteer_project.close": "结束志愿项目",
    "volunteer_shift.create": "发布志愿班次",
    "volunteer_shift.update": "修改志愿班次",
    "volunteer_shift.cancel": "取消志愿班次",
    "shift_signup.scan": "扫码记录志愿者签到/签退",
    "shift_signup.confirm": "确认志愿服务时长",
    "shift_signup.confirm_all": "批量确认志愿服务时长",
    "shift_signup.correct": "更正志愿服务时长",
    "hours_dispute.decide": "处理志愿时长申诉",
    "point_rule.create": "新增积分规则",
    "points.adjust": "调整志愿积分",
    "reward.create": "新增爱心超市物品",
    "reward.update": "修改爱心超市物品",
    "reward.restock": "调整爱心超市库存",
    "reward.shelve": "上架爱心超市物品",
    "reward.unshelve": "下架爱心超市物品",
    "redemption.create": "积分兑换",
    "redemption.fulfil": "兑换核销",
    "redemption.deposit": "兑换物品存柜",
    "redemption.cancel": "取消积分兑换",
    "certificate.issue": "开具志愿服务证明",
    "certificate.revoke": "撤销志愿服务证明",
    "recognition.nominate": "提名优秀志愿者",
    "recognition.withdraw": "撤回优秀志愿者提名",
    "recognition.publish": "公示优秀志愿者",
    "aid_objection.create": "对公示提出异议",
    "aid_objection.answer": "答复公示异议",
    "calendar.update": "修改节假日安排",
    "dropoff.reserve": "预约云柜投递",
    "dropoff.deposited": "居民投递入柜",
    "dropoff.view_code": "查看投递件取件码",
    "cabinet.enable": "启用云柜",
    "cabinet.disable": "停用云柜",
    # exports
    "export.residency_requests": "导出居民认证申请",
    "export.audit_log": "导出审计日志",
    "export.notice_unread": "导出未读名单",
    "export.day_bookings": "导出当日预约",
    "export.unit_report": "导出单位月报",
}


def action_name(action: str, details: dict | None = None) -> str:
    """The Chinese name of an action (an unknown one as recorded)."""
    if action == "staff.link_user" and details is not None and details.get("user_id", 0) is None:
        return "解除微信关联"  # link_staff_to_user(..., None) records the same action
    return ACTION_NAMES.get(action, action)


@dataclass(frozen=True)
class TargetKind:
    name: str  # Chinese
    endpoint: str | None = None  # the console page that shows the record
    arg: str | None = None  # the page's argument taking the record's id


TARGETS = {
    # target_type (the record's class name, as record() writes it) → what the log shows
    "ResidencyRequest": TargetKind("居民认证申请", "admin.residency_detail", "request_id"),
    "StaffAccount": TargetKind("工作人员账号", "admin.staff_list", "account"),
    "Notice": TargetKind("通知公告", "admin.notice_detail", "notice_id"),
    "NoticeBroadcast": TargetKind("街道或全市通知", "admin.notice_broadcast", "broadcast_id"),
    "Guide": TargetKind("办事指南", "admin.guide_edit", "guide_id"),
    "Bookable": TargetKind("预约事项", "admin.bookable_edit", "bookable_id"),
    "BookingSuspension": TargetKind("预约暂停", "admin.booking_suspensions"),
    "Booking": TargetKind("预约"),
    "Upload": TargetKind("附件"),
    "User": TargetKind("微信用户"),
    "PartyUnit": TargetKind("单位党组织", "admin.party_unit_edit", "unit_id"),
    "PartyReport": TargetKind("党员报到", "admin.party_report", "report_id"),
    "ServicePost": TargetKind("服务岗位", "admin.party_post", "post_id"),
    "PostClaim": TargetKind("岗位认领"),
    "Activity": TargetKind("党建活动", "admin.party_activity", "activity_id"),
    "ActivitySignup": TargetKind("活动报名"),
    "UnitMonthlyReport": TargetKind("单位月报", "admin.party_unit_report", "report_id"),
    "Cabinet": TargetKind("云柜", "admin.locker_cabinet", "cabinet_id"),
    "Deposit": TargetKind("云柜存件", "admin.locker_deposit", "deposit_id"),
    "AidApplication": TargetKind("救助申请", "admin.aid_application", "application_id"),
    "AidCategory": TargetKind("救助类别", "admin.aid_category_edit", "category_id"),
    "Volunteer": TargetKind("志愿者"),
    "VolunteerTeam": TargetKind("志愿服务队"),
    "VolunteerProject": TargetKind("志愿服务项目"),
    "Shift": TargetKind("志愿服务班次"),
    "ShiftSignup": TargetKind("班次报名"),
    "HoursDispute": TargetKind("服务时长异议"),
    "PointRule": TargetKind("积分规则"),
    "PointAccount": TargetKind("志愿积分账户"),
    "Reward": TargetKind("爱心超市物品"),
    "Redemption": TargetKind("积分兑换"),
    "Certificate": TargetKind("志愿服务证明", "admin.volunteer_certificates"),
    "Recognition": TargetKind("优秀志愿者提名", "admin.volunteer_recognition"),
}


@dataclass(frozen=True)
class Target:
    text: str
    url: str | None = None


def target_of(
    target_type: str | None, target_id: str | None, user_names: dict | None = None
) -> Target | None:
    """An entry's target as "通知公告 #7", with the address of its page (None without one); a user by
    ``user_names[id]`` (masked) when given. None for an entry without a target."""
    if not target_type:
        return None
    kind = TARGETS.get(target_type, TargetKind(target_type))
    record_id = int(target_id) if target_id and target_id.isdigit() else None
    if target_type == "User" and user_names and record_id in user_names:
        return Target(f"{kind.name} {user_names[record_id]}")
    text = f"{kind.name} #{target_id}" if target_id else kind.name
    if kind.endpoint is None or (kind.arg is not None and record_id is None):
        return Target(text)
    try:
        url = url_for(kind.endpoint, **({kind.arg: record_id} if kind.arg else {}))
    except BuildError:  # a page renamed meanwhile: the text still says what it was
        return Target(text)
    return Target(text, url)
