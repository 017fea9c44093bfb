"""群众点单, 社会组织 and 留言信箱 in the console."""
