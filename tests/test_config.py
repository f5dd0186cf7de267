import base64
import json

import pytest

from yizhan import config


def key() -> str:
    return base64.b64encode(b"k" * 32).decode()


def production_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        "YIZHAN_MODE": "production",
        "YIZHAN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "station.example",
        "YIZHAN_KEYS": f"k1:{key()}",
        "YIZHAN_INDEX_KEY": key(),
    }
    env.update(extra)
    return env


def test_with_no_environment_local_mode_generates_and_keeps_its_secrets(tmp_path):
    first = config.load({"YIZHAN_DATA_DIR": str(tmp_path)})
    second = config.load({"YIZHAN_DATA_DIR": str(tmp_path)})
    assert first.mode == "local"
    assert first.database_url == f"sqlite:///{tmp_path / 'yizhan.sqlite3'}"
    assert first.secret_key == second.secret_key
    assert first.keyring.keys == second.keyring.keys
    assert (tmp_path / config.LOCAL_SECRETS_NAME).stat().st_mode & 0o777 == 0o600


def test_production_mode_accepts_complete_settings(tmp_path):
    loaded = config.load(production_env(tmp_path))
    assert loaded.production
    assert loaded.allowed_hosts == ["station.example"]
    assert not (tmp_path / config.LOCAL_SECRETS_NAME).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": config.GENERATED_MARK + "a" * 60}, "生成的"),
        ({"SECRET_KEY": "demo" + "a" * 60}, "演示"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"YIZHAN_KEYS": ""}, "加密密钥"),
        ({"YIZHAN_DEMO_PASSWORD": "yizhan-demo"}, "演示密码"),
        ({"YIZHAN_KEYS": "k1:not-base64!"}, "base64"),
        ({"YIZHAN_KEYS": "k1:" + base64.b64encode(b"short").decode()}, "32 字节"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"YIZHAN_CRYPTO": "des"}, "YIZHAN_CRYPTO"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
    ],
)
def test_production_mode_refuses_missing_generated_or_malformed_values(tmp_path, change, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(production_env(tmp_path, **change))


def test_production_mode_refuses_the_generated_local_key_file(tmp_path):
    config.load({"YIZHAN_DATA_DIR": str(tmp_path)})
    env = production_env(tmp_path, YIZHAN_KEY_FILE=str(tmp_path / config.LOCAL_SECRETS_NAME), YIZHAN_KEYS="")
    with pytest.raises(config.ConfigError, match="生成的密钥文件"):
        config.load(env)


def test_a_key_file_gives_the_keyring(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"active": "b", "keys": {"a": key(), "b": key()}, "index_key": key()}))
    loaded = config.load(
        production_env(tmp_path, YIZHAN_KEYS="", YIZHAN_KEY_FILE=str(path), YIZHAN_CRYPTO="sm")
    )
    assert loaded.keyring.active == "b"
    assert set(loaded.keyring.keys) == {"a", "b"}
    assert loaded.keyring.algorithm == "sm"
