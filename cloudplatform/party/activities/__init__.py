"""党建活动: staff publish activities; members sign up (with a waitlist), check in at the venue by its
rotating code, and are credited service hours once staff confirm their attendance."""
