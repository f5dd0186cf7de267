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


def _url_of_the_test_database() -> str:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_local_mode_refuses_to_make_new_keys_for_a_database_that_holds_people(
    transactional_db, make_person, tmp_path
):
    make_person(name="商春旺")
    with pytest.raises(config.ConfigError) as refused:
        config.load({"YIZHAN_DATA_DIR": str(tmp_path), "DATABASE_URL": _url_of_the_test_database()})
    assert str(tmp_path / config.LOCAL_SECRETS_NAME) in str(refused.value)
    assert "密钥文件" in str(refused.value) and "key file" in str(refused.value)
    assert not (tmp_path / config.LOCAL_SECRETS_NAME).exists()


def test_local_mode_makes_keys_for_a_database_without_people(transactional_db, tmp_path):
    url = _url_of_the_test_database()
    config.load({"YIZHAN_DATA_DIR": str(tmp_path / "fresh"), "DATABASE_URL": url})
    assert (tmp_path / "fresh" / config.LOCAL_SECRETS_NAME).exists()


def test_local_mode_with_its_keys_in_the_environment_starts_against_a_database_with_people(
    transactional_db, make_person, tmp_path
):
    make_person(name="商春旺")
    loaded = config.load(
        {
            "YIZHAN_DATA_DIR": str(tmp_path),
            "DATABASE_URL": _url_of_the_test_database(),
            "YIZHAN_KEYS": f"k1:{key()}",
            "YIZHAN_INDEX_KEY": key(),
        }
    )
    assert loaded.keyring.active == "k1"


def test_trusted_proxies_are_read_as_addresses_and_networks(tmp_path):
    loaded = config.load(
        {"YIZHAN_DATA_DIR": str(tmp_path), "YIZHAN_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24"}
    )
    assert [str(n) for n in loaded.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/24"]
    with pytest.raises(config.ConfigError, match="YIZHAN_TRUSTED_PROXIES"):
        config.load({"YIZHAN_DATA_DIR": str(tmp_path), "YIZHAN_TRUSTED_PROXIES": "proxy.local"})
