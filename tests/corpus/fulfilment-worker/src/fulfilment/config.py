from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Read from the environment (prefix FULFILMENT_) or a local .env file."""

    model_config = SettingsConfigDict(env_prefix="FULFILMENT_", env_file=".env", extra="ignore")

    queue_url: str = Field(description="SQS queue with order.paid events")
    aws_region: str = "eu-central-1"
    dhl_api_key: SecretStr
    dhl_api_secret: SecretStr
    ups_client_id: str
    ups_client_secret: SecretStr
    database_url: SecretStr = SecretStr("postgresql+psycopg://fulfilment:fulfilment@localhost/fulfilment")
    max_retries: int = 5


def load() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment
