"""居民认证 and 工作人员: residency review and console accounts (forms in ``forms``, pages in ``views``)."""
