"""消息发送: the outbox of messages to users."""
