"""Chat channels: Telegram, WeChat, console; each renders the same Answer its own way."""
