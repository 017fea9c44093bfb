"""党员报到 and 岗位: units, members' reports to their community, service posts and claims."""
