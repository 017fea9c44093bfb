"""志愿服务考勤与时长: volunteers check in and out at the shift's venue by its rotating code (or the
organiser scans their personal code); staff confirm the attended time, rounded down to half hours, which
credits the volunteer's hours and points once; a volunteer may dispute the minutes once.

Importing this package registers the "volunteer_shift" venue code (the staff venue-code screen)."""

from cloudplatform.volunteer.attendance import queries as queries
