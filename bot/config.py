"""Settings, read once from the environment (a `.env` file in the working directory first)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from knowledge.bundled import BUNDLED_NOTICES
from knowledge.limits import MAX_PARSE_SECONDS

# name, default, help — every name here is documented in .env.example (tests check it).
SETTINGS = (
    ("BOT_KNOWLEDGE_DIR", str(BUNDLED_NOTICES), "Directory of notice files (.txt .docx .pdf .html) to answer from"),
    ("BOT_DATA_DIR", "data", "Where the knowledge base and the query log are kept"),
    ("BOT_DB", "", "Knowledge base file; default BOT_DATA_DIR/knowledge.db"),
    ("BOT_LEXICON_DIR", "", "Directory of the lexicon files (see README); default the bundled knowledge/lexicon"),
    ("BOT_LOG_DB", "", "Query log file; default BOT_DATA_DIR/querylog.db"),
    ("BOT_LOG_RETENTION_DAYS", "30", "Query log rows older than this many days are deleted"),
    ("BOT_USER_HASH_KEY", "", "Secret key for hashing user ids in the log; default a random key kept beside the log"),
    ("BOT_REGION", "", "The place the bot serves (黄石市): questions naming no place are answered from its notices "
     "and those above it (province, national); empty = every loaded notice"),
    ("BOT_RATE_LIMIT", "20", "Questions one user may ask per minute"),
    ("BOT_CONTEXT_MINUTES", "10", "Minutes the last answer stays the topic of follow-ups (找哪个部门, 要什么材料)"),
    ("BOT_PARSE_SECONDS", str(MAX_PARSE_SECONDS), "Seconds one .docx, .pdf or .html file may take to parse before "
     "the reload refuses it, naming it; 0 = no limit"),
    ("BOT_WATCH_KNOWLEDGE", "0", "1 (or true) to reload automatically when a notice or lexicon file changes"),
    ("TELEGRAM_BOT_TOKEN", "", "Token from @BotFather; Telegram runs only when it is set"),
    ("TELEGRAM_BASE_URL", "", "Root URL of a self-hosted Bot API server (http://localhost:8081); default Telegram's"),
    ("TELEGRAM_WEBHOOK_URL", "", "Public HTTPS URL for webhook mode; long polling when empty"),
    ("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1", "Address the webhook server listens on"),
    ("TELEGRAM_WEBHOOK_PORT", "8443", "Port the webhook server listens on"),
    ("ADMIN_IDS", "", "Comma-separated Telegram user ids allowed to /reload and /stats"),
    ("WECHAT_TOKEN", "", "Token set in the WeChat Official Account console; WeChat runs only when it is set"),
    ("WECHAT_AES_KEY", "", "EncodingAESKey (43 characters) for safe mode; plain mode when empty"),
    ("WECHAT_APP_ID", "", "AppID of the Official Account, needed for safe mode"),
    ("WECHAT_HOST", "127.0.0.1", "Address the /wechat endpoint listens on"),
    ("WECHAT_PORT", "8080", "Port the /wechat endpoint listens on"),
    ("BOT_WEB_PORT", "", "Port of the staff web console; the console runs only when it is set"),
    ("BOT_WEB_HOST", "127.0.0.1", "Address the staff web console listens on"),
    ("BOT_CONSOLE_DB", "", "Web console accounts and reload history; default BOT_DATA_DIR/console.db"),
    ("BOT_WEB_SECRET", "", "Key signing the web console's session cookies; default a random key beside BOT_CONSOLE_DB"),
    ("BOT_WEB_IDLE_MINUTES", "30", "A web console session ends after this many minutes without a request"),
    ("BOT_WEB_SECURE_COOKIE", "0", "1 to mark session cookies Secure (also done when X-Forwarded-Proto is https)"),
    ("BOT_WEB_LOGIN_ATTEMPTS", "5", "Failed logins for one user name (4x as many per address) before logins lock"),
    ("BOT_WEB_LOCKOUT_MINUTES", "15", "How long logins stay locked after too many failures"),
    ("BOT_WEB_UPLOAD_MB", "20", "Largest notice file an admin may upload, in MB"),
)


class SettingError(ValueError):
    """A setting with a value of the wrong kind; names the setting."""


@dataclass(frozen=True)
class Settings:
    values: dict

    def get(self, name: str) -> str:
        return self.values[name]

    def int(self, name: str) -> int:
        value = self.values[name]
        try:
            return int(value)
        except ValueError:
            raise SettingError(f"{name} must be a whole number, not {value!r}") from None

    @property
    def data_dir(self) -> Path:
        return Path(self.values["BOT_DATA_DIR"])

    @property
    def db_path(self) -> Path:
        return Path(self.values["BOT_DB"] or self.data_dir / "knowledge.db")

    @property
    def log_db_path(self) -> Path:
        return Path(self.values["BOT_LOG_DB"] or self.data_dir / "querylog.db")

    @property
    def console_db_path(self) -> Path:
        return Path(self.values["BOT_CONSOLE_DB"] or self.data_dir / "console.db")

    @property
    def knowledge_dir(self) -> Path:
        return Path(self.values["BOT_KNOWLEDGE_DIR"])

    @property
    def lexicon_dir(self) -> Path | None:
        return Path(self.values["BOT_LEXICON_DIR"]) if self.values["BOT_LEXICON_DIR"] else None

    def flag(self, name: str) -> bool:
        return self.values[name].strip().lower() in ("1", "true", "yes", "on")

    @property
    def admin_ids(self) -> frozenset[int]:
        raw = [p.strip() for p in self.values["ADMIN_IDS"].split(",") if p.strip()]
        try:
            return frozenset(int(p) for p in raw)
        except ValueError:
            raise SettingError(f"ADMIN_IDS must be comma-separated numbers, not {self.values['ADMIN_IDS']!r}") from None


def load_settings(overrides: dict | None = None, env_file: str | None = ".env") -> Settings:
    """Defaults, then `.env`, then the process environment, then explicit overrides."""
    if env_file and Path(env_file).exists():
        load_dotenv(env_file, override=False)
    # An empty value (as copied from .env.example) means the default.
    values = {name: os.environ.get(name) or default for name, default, _ in SETTINGS}
    values.update({k: str(v) for k, v in (overrides or {}).items() if v})
    return Settings(values)
