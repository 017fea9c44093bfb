"""上传文件: files staff attach to notices and guides, checked by content and kept in the storage."""
