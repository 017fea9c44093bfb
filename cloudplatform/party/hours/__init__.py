"""党建云's service hours: a member's hours by month and year with their 报到 card, the monthly report to
each unit (built by a job, sent to the unit's contact), and the dashboard's figures per community,
street and city."""
