"""志愿云 in the console: 志愿班次 (shifts, their roster and attendance), 出勤确认, 时长异议, 积分规则
and 志愿者."""
