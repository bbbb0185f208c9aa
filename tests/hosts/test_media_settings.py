"""MEDIA_STORAGE=s3 in production: the deploy check stays clean, a missing bucket
stops the start, and the migrations do not depend on where the files live."""

from tests.test_deploy_check import manage, production_env

S3 = {
    "MEDIA_STORAGE": "s3",
    "MEDIA_S3_BUCKET": "eh-media",
    "MEDIA_S3_ENDPOINT_URL": "https://s3.example.org",
    "MEDIA_S3_REGION": "fr-par",
    "MEDIA_S3_ACCESS_KEY_ID": "cle",
    "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
}


def test_check_deploy_is_clean_with_the_bucket():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(**S3))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_a_missing_bucket_stops_the_start():
    env = production_env(**(S3 | {"MEDIA_S3_BUCKET": None}))
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "MEDIA_S3_BUCKET" in result.stderr


def test_migrations_are_the_same_on_s3():
    result = manage("makemigrations", "--check", "--dry-run", env=production_env(**S3))
    assert result.returncode == 0, result.stdout + result.stderr
