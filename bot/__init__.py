"""The bot: configuration, command line and wiring of the chat channels."""
