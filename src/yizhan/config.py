"""Reads Yizhan's configuration from the environment, failing fast with a clear message.

Two modes:
- local (the default): every `yizhan` command works with no environment at all. The database is
  SQLite in the data directory and secrets are generated once into `<data>/local-secrets.json`.
- production (YIZHAN_MODE=production): every secret must come from the environment or a key
  file, and generated or demo values are refused.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

DEMO_PASSWORD = "yizhan-demo"
LOCAL_SECRETS_NAME = "local-secrets.json"
# A marker inside every generated secret, so production mode can recognise and refuse one.
GENERATED_MARK = "yizhan-local-"


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class KeyRing:
    """Encryption keys (key id -> 32 bytes), the active key id, and the blind-index key."""

    keys: dict[str, bytes]
    active: str
    index_key: bytes
    algorithm: str  # "aes" (AES-256-GCM + HMAC-SHA256) or "sm" (SM4-GCM + HMAC-SM3)


@dataclass(frozen=True)
class Limits:
    """Bounds on background work and on ledger uploads (decisions.md "Jobs and uploads (#10)").
    The upload defaults fit a county ledger: 200,000 rows of a few dozen columns."""

    job_stale_seconds: int = 60  # a running job whose heartbeat is older is a dead worker's
    # Rows per import transaction and checkpoint. 5,000, not 1,000: on SQLite every commit writes
    # each index page the batch dirtied to the WAL, and a batch's new rows land all over a large
    # registry's indexes; at 1M persons the writer's CPU a row fell ~40 % (docs/benchmarks.md).
    import_batch_rows: int = 5000
    import_workers: int = 0  # processes parsing an import's batches; 0: one per core, 1: none
    upload_max_unpacked_mb: int = 200  # sum of an xlsx's members once decompressed
    upload_max_ratio: int = 200  # any member's decompressed size / compressed size
    upload_max_rows: int = 200_000
    dry_run_rows_per_hour: int = 5000  # per clerk: a dry run tests ID numbers against the registry
    # 等保 session and password controls (decisions.md "Logs and 等保 controls (#12)").
    session_idle_minutes: int = 30  # no request for this long: signed out
    session_max_hours: int = 8  # signed out this long after signing in, busy or not
    password_max_age_days: int = 90  # then the password must be changed before anything else


LIMIT_VARIABLES = {
    "YIZHAN_JOB_STALE_SECONDS": "job_stale_seconds",
    "YIZHAN_IMPORT_BATCH_ROWS": "import_batch_rows",
    "YIZHAN_IMPORT_WORKERS": "import_workers",
    "YIZHAN_UPLOAD_MAX_UNPACKED_MB": "upload_max_unpacked_mb",
    "YIZHAN_UPLOAD_MAX_RATIO": "upload_max_ratio",
    "YIZHAN_UPLOAD_MAX_ROWS": "upload_max_rows",
    "YIZHAN_DRY_RUN_ROWS_PER_HOUR": "dry_run_rows_per_hour",
    "YIZHAN_SESSION_IDLE_MINUTES": "session_idle_minutes",
    "YIZHAN_SESSION_MAX_HOURS": "session_max_hours",
    "YIZHAN_PASSWORD_MAX_AGE_DAYS": "password_max_age_days",
}


def _limits(env: dict[str, str]) -> Limits:
    values = {}
    for name, attribute in LIMIT_VARIABLES.items():
        raw = env.get(name, "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) < 1:
            raise ConfigError(f"{name}={raw!r} 须为正整数。({name} must be a positive integer)")
        values[attribute] = int(raw)
    return Limits(**values)


@dataclass(frozen=True)
class Config:
    mode: str
    data_dir: Path
    database_url: str
    secret_key: str
    allowed_hosts: list[str]
    debug: bool
    keyring: KeyRing
    demo_password: str
    csrf_trusted_origins: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=lambda: Limits())
    trusted_proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    # Two-factor login for sysadmins, county officers and station heads: always in production,
    # on request in local mode (where the demo accounts sign in with their password alone).
    require_otp: bool = False
    # TLS ends at a reverse proxy in front of us: the proxy redirects to https and says so in
    # X-Forwarded-Proto; we do not redirect ourselves.
    tls_at_proxy: bool = False
    # A PostgreSQL streaming replica for reports and large exports (core/replica.py); "" for none.
    database_replica_url: str = ""

    @property
    def production(self) -> bool:
        return self.mode == "production"


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(
        f"{name}={raw!r} 不是布尔值；请用 true/false 或 1/0。({name} must be true/false or 1/0)"
    )


def _b64key(name: str, raw: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except ValueError as exc:
        raise ConfigError(f"{name} 不是合法的 base64。({name} is not valid base64)") from exc
    if len(key) != 32:
        raise ConfigError(f"{name} 必须是 32 字节的密钥（base64 编码）。({name} must decode to 32 bytes)")
    return key


def _networks(name: str, raw: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name} 中的 {part!r} 不是 IP 地址或网段（如 10.0.0.1 或 10.0.0.0/24）。"
                f"({name}: {part!r} is not an IP address or CIDR)"
            ) from None
    return networks


def _new_secret_bytes() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _database_has_people(database_url: str) -> bool:
    """Whether the database already holds registered people (so encrypted values and blind
    indexes made with some earlier key). Read-only, and False when it cannot be asked."""
    if database_url.startswith("sqlite:"):
        path = Path(database_url.removeprefix("sqlite:///").removeprefix("sqlite://"))
        if not path.is_file() or path.stat().st_size == 0:
            return False
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                return db.execute("SELECT 1 FROM people_person LIMIT 1").fetchone() is not None
        except sqlite3.Error:  # not migrated yet: no people table
            return False
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as db:
            if db.execute("SELECT to_regclass('people_person')").fetchone()[0] is None:
                return False
            return db.execute("SELECT 1 FROM people_person LIMIT 1").fetchone() is not None
    except psycopg.Error:  # the server is down or refuses us: Django will say so in its own words
        return False


def _local_secrets(data_dir: Path, *, database_url: str, generate_keys: bool) -> dict:
    """Loads or creates the generated secrets of local mode, readable by the owner only. Refuses to
    generate new keys for a database that already holds people: their ID numbers were encrypted
    with the lost keys, and every page would fail later with "密文已被改动"."""
    path = data_dir / LOCAL_SECRETS_NAME
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    if generate_keys and _database_has_people(database_url):
        raise ConfigError(
            f"数据库中已有人员数据，但本地密钥文件 {path} 不存在：请把原来的密钥文件放回该位置"
            "（或用 YIZHAN_KEY_FILE 指向它）；不要生成新密钥，否则已加密的身份证号等将无法读取。"
            f"(the database already holds people but the key file {path} is missing: restore it there"
            " or point YIZHAN_KEY_FILE at it; new keys would not decrypt the existing data)"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    generated = {
        "secret_key": GENERATED_MARK + secrets.token_urlsafe(48),
        "keys": {"local1": _new_secret_bytes()},
        "active": "local1",
        "index_key": _new_secret_bytes(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(generated, handle, indent=2)
    return generated


def _keyring_from(source: dict, *, where: str, algorithm: str) -> KeyRing:
    keys_raw = source.get("keys") or {}
    if not keys_raw:
        raise ConfigError(f"{where} 中没有加密密钥。({where} holds no encryption keys)")
    keys = {kid: _b64key(f"{where} keys.{kid}", value) for kid, value in keys_raw.items()}
    active = source.get("active") or next(iter(keys))
    if active not in keys:
        raise ConfigError(f"{where} 的 active={active!r} 不在密钥列表中。(active key id not among the keys)")
    if ":" in "".join(keys):
        raise ConfigError(f"{where} 的密钥编号不能含冒号。(key ids must not contain ':')")
    index_raw = source.get("index_key")
    if not index_raw:
        raise ConfigError(f"{where} 缺少 index_key（盲索引密钥）。({where} lacks index_key)")
    return KeyRing(
        keys=keys, active=active, index_key=_b64key(f"{where} index_key", index_raw), algorithm=algorithm
    )


def _keyring(env: dict[str, str], *, local: dict | None, algorithm: str) -> KeyRing:
    """Keys from YIZHAN_KEY_FILE, else YIZHAN_KEYS + YIZHAN_INDEX_KEY, else (local mode) generated."""
    key_file = env.get("YIZHAN_KEY_FILE")
    if key_file:
        path = Path(key_file)
        if not path.is_file():
            raise ConfigError(f"YIZHAN_KEY_FILE={key_file} 不存在。(key file not found)")
        try:
            source = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"YIZHAN_KEY_FILE 不是合法 JSON：{exc}") from exc
        return _keyring_from(source, where="YIZHAN_KEY_FILE", algorithm=algorithm)
    if env.get("YIZHAN_KEYS"):
        keys: dict[str, str] = {}
        for part in env["YIZHAN_KEYS"].split(","):
            kid, sep, value = part.strip().partition(":")
            if not sep or not kid:
                raise ConfigError(
                    "YIZHAN_KEYS 格式应为 编号:base64密钥,编号:base64密钥。(format kid:base64,...)"
                )
            keys[kid] = value
        source = {
            "keys": keys,
            "active": env.get("YIZHAN_ACTIVE_KEY"),
            "index_key": env.get("YIZHAN_INDEX_KEY"),
        }
        return _keyring_from(source, where="YIZHAN_KEYS", algorithm=algorithm)
    if local is None:
        raise ConfigError(
            "生产模式需要加密密钥：请设置 YIZHAN_KEY_FILE，或 YIZHAN_KEYS 与 YIZHAN_INDEX_KEY。"
            "(production mode needs YIZHAN_KEY_FILE or YIZHAN_KEYS + YIZHAN_INDEX_KEY)"
        )
    return _keyring_from(local, where=str(LOCAL_SECRETS_NAME), algorithm=algorithm)


def load(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    mode = env.get("YIZHAN_MODE", "local").strip().lower() or "local"
    if mode not in {"local", "production"}:
        raise ConfigError(f"YIZHAN_MODE={mode!r} 无效；可选 local 或 production。")
    production = mode == "production"

    data_dir = Path(env.get("YIZHAN_DATA_DIR") or "data").resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"YIZHAN_DATA_DIR={data_dir} 不是目录。(not a directory)")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'yizhan.sqlite3'}"
    if not database_url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise ConfigError(
            f"DATABASE_URL 仅支持 sqlite:/// 与 postgres://。(unsupported: {database_url.split(':')[0]})"
        )
    replica_url = env.get("DATABASE_REPLICA_URL", "").strip()
    if replica_url and not (
        replica_url.startswith(("postgres://", "postgresql://")) and not database_url.startswith("sqlite:")
    ):
        raise ConfigError(
            "DATABASE_REPLICA_URL 须是 PostgreSQL 只读副本（postgres://），且 DATABASE_URL 也须是 PostgreSQL。"
            "(a replica needs PostgreSQL on both sides)"
        )
    local = (
        None
        if production
        else _local_secrets(
            data_dir,
            database_url=database_url,
            generate_keys=not (env.get("YIZHAN_KEY_FILE") or env.get("YIZHAN_KEYS")),
        )
    )

    secret_key = env.get("SECRET_KEY") or (local or {}).get("secret_key", "")
    if production:
        if not env.get("SECRET_KEY"):
            raise ConfigError("生产模式必须设置 SECRET_KEY。(production mode requires SECRET_KEY)")
        if GENERATED_MARK in secret_key or "demo" in secret_key.lower() or len(secret_key) < 50:
            raise ConfigError(
                "SECRET_KEY 是生成的、演示用的或太短（至少 50 个字符）。(generated, demo or short key)"
            )

    algorithm = (env.get("YIZHAN_CRYPTO") or "aes").strip().lower()
    if algorithm not in {"aes", "sm"}:
        raise ConfigError(f"YIZHAN_CRYPTO={algorithm!r} 无效；可选 aes（AES-256-GCM）或 sm（国密 SM4-GCM）。")
    keyring = _keyring(env, local=local, algorithm=algorithm)
    if production and Path(env.get("YIZHAN_KEY_FILE", "")).name == LOCAL_SECRETS_NAME:
        raise ConfigError("生产模式不能使用本地模式生成的密钥文件。(refusing the generated local key file)")

    hosts_raw = env.get("ALLOWED_HOSTS")
    if production and not hosts_raw:
        raise ConfigError(
            "生产模式必须设置 ALLOWED_HOSTS（逗号分隔）。(production mode requires ALLOWED_HOSTS)"
        )
    allowed_hosts = [
        h.strip() for h in (hosts_raw or "127.0.0.1,localhost,[::1],testserver").split(",") if h.strip()
    ]

    demo_password = env.get("YIZHAN_DEMO_PASSWORD") or DEMO_PASSWORD
    if production and "YIZHAN_DEMO_PASSWORD" in env:
        raise ConfigError(
            "生产模式不使用演示密码，请删除 YIZHAN_DEMO_PASSWORD。(no demo password in production)"
        )

    debug = _bool("DEBUG", env.get("DEBUG", "false"))
    if production and debug:
        raise ConfigError(
            "生产模式不能开启 DEBUG（会在错误页显示设置与数据）；请删除 DEBUG 或设为 false。"
            "(DEBUG=true is refused in production mode)"
        )
    require_otp = production or _bool("YIZHAN_REQUIRE_OTP", env.get("YIZHAN_REQUIRE_OTP", "false"))
    if production and not _bool("YIZHAN_REQUIRE_OTP", env.get("YIZHAN_REQUIRE_OTP", "true")):
        raise ConfigError(
            "生产模式必须对管理员、区县业务主管和站长启用双因素登录，不能设置 YIZHAN_REQUIRE_OTP=false。"
            "(two-factor login cannot be turned off in production mode)"
        )

    trusted_proxies = _networks("YIZHAN_TRUSTED_PROXIES", env.get("YIZHAN_TRUSTED_PROXIES", ""))
    origins = [o.strip() for o in env.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
    return Config(
        mode=mode,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        debug=debug,
        keyring=keyring,
        demo_password=demo_password,
        csrf_trusted_origins=origins,
        limits=_limits(env),
        trusted_proxies=trusted_proxies,
        require_otp=require_otp,
        tls_at_proxy=_bool("YIZHAN_TLS_AT_PROXY", env.get("YIZHAN_TLS_AT_PROXY", "false")),
        database_replica_url=replica_url,
    )
