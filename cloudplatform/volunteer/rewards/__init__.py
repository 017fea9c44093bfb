"""爱心超市: rewards priced in points, redemptions handed over at the counter or through a locker."""
