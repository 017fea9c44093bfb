"""服务云 · 建言献策 and 信箱留言: residents write to their community, staff reply, suggestions are
published with the author's consent."""
