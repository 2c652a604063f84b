"""Schema of the engine's state (``GET /engine``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EnginePublic(BaseModel):
    """Which data version answers reflect, and the background fit of a newer one."""

    version: int | None = Field(
        description="Data version answers are served from (null: no engine fitted yet)."
    )
    latest_version: int | None = Field(
        description="The store's newest data version the engine watcher has seen."
    )
    stale: bool = Field(description="Answers reflect an older version than the latest seen.")
    fitting: int | None = Field(description="Data version being fitted now, if any.")
    stage: str = Field(description="Stage of the running fit: load, embed or warm.")
    progress: float = Field(description="Fraction of the stage done, 0 to 1.")
    fits: int = Field(description="Fits completed since the service started.")
    fitted_at: float | None = Field(description="When the served engine was swapped in (Unix).")
    last_fit_seconds: float | None = Field(description="Duration of the last completed fit.")
    error: str | None = Field(
        description="Why the fit of the latest version failed (the older engine keeps serving)."
    )
