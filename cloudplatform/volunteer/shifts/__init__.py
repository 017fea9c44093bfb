"""志愿项目与班次: staff run projects and publish their shifts; volunteers sign up (a full shift puts them
on a waitlist), cancel, and confirm the place a cancellation offers them within ``OFFER_HOURS``."""
