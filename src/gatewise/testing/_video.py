"""Video jobs: queued at submit, running with progress rising on every poll, then done.

A job reaches its end `video_seconds` after submission, observed on the next poll:
succeeded with a URL the mock serves, or failed for `mock/video-fail`. Cancel stops
an unfinished job. State's lock guards the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import _clock
from ._errors import MockError

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})


@dataclass
class VideoJob:
    """One video generation task."""

    task_id: str
    model: str
    prompt: str
    seconds: int
    resolution: str
    will_fail: bool
    submitted: float  # time.monotonic() at submission
    created_at: datetime
    updated_at: datetime
    status: str = "queued"
    progress: int = 0
    url: str | None = None
    error: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        """The VideoTask object."""
        return {
            "task_id": self.task_id,
            "status": self.status,
            "progress": self.progress,
            "url": self.url,
            "error": self.error,
            "model": self.model,
            "created_at": int(self.created_at.timestamp()),
            "updated_at": int(self.updated_at.timestamp()),
            "seconds": self.seconds,
            "resolution": self.resolution,
        }

    def advance(self, duration: float, base_url: str) -> None:
        """Move the job on, as seen by one poll."""
        if self.status in TERMINAL:
            return
        elapsed = time.monotonic() - self.submitted
        self.updated_at = _clock.now()
        if elapsed >= duration:
            if self.will_fail:
                self.status = "failed"
                self.error = {
                    "message": "The video model failed to render this prompt.",
                    "type": "server_error",
                    "code": "video_generation_failed",
                    "details": None,
                }
            else:
                self.status = "succeeded"
                self.progress = 100
                self.url = f"{base_url}/files/{self.task_id}.mp4"
            return
        self.status = "running"
        # Strictly rising on each poll, but never 100 before the job is done.
        self.progress = min(99, max(self.progress + 1, int(100 * elapsed / duration)))


class VideoStore:
    """Every video job of one gateway."""

    def __init__(self) -> None:
        self._jobs: dict[str, VideoJob] = {}
        self._counter = 0

    def submit(
        self, model: str, prompt: str, seconds: int, resolution: str, will_fail: bool
    ) -> VideoJob:
        self._counter += 1
        moment = _clock.now()
        job = VideoJob(
            task_id=f"video_{self._counter:06d}",
            model=model,
            prompt=prompt,
            seconds=seconds,
            resolution=resolution,
            will_fail=will_fail,
            submitted=time.monotonic(),
            created_at=moment,
            updated_at=moment,
        )
        self._jobs[job.task_id] = job
        return job

    def get(self, task_id: str) -> VideoJob:
        job = self._jobs.get(task_id)
        if job is None:
            raise MockError(404, f"No video task with id {task_id!r}.", code="task_not_found")
        return job

    def cancel(self, task_id: str) -> VideoJob:
        job = self.get(task_id)
        if job.status not in TERMINAL:
            job.status = "cancelled"
            job.updated_at = _clock.now()
        return job
