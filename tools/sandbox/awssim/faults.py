"""Fault injection for reliability tests: throttling, server errors, latency, dropped
connections and a pause during which requests hang. Never applied to /_sandbox/."""

import math
import random
import threading
import time

RATES = ("throttle_rate", "error_rate", "drop_rate")


class Faults:
    def __init__(self, throttle_rate=0.0, error_rate=0.0, drop_rate=0.0, latency_ms=0):
        self._cond = threading.Condition()
        self._random = random.Random()
        self._settings = {"throttle_rate": 0.0, "error_rate": 0.0, "drop_rate": 0.0,
                          "latency_ms": 0, "services": []}
        self._paused_until = 0.0
        self.update({"throttle_rate": throttle_rate, "error_rate": error_rate,
                     "drop_rate": drop_rate, "latency_ms": latency_ms})

    def update(self, changes):
        """Apply a partial settings dict; raises ValueError before changing anything."""
        new = dict(self._settings)
        for key, value in changes.items():
            if key in RATES:
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not 0.0 <= value <= 1.0:
                    raise ValueError(f"{key} must be a number from 0 to 1")
                new[key] = float(value)
            elif key == "latency_ms":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError("latency_ms must be a number >= 0")
                new[key] = value
            elif key == "services":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError("services must be a list of service names ([] = all)")
                new[key] = list(value)
            else:
                raise ValueError(f"unknown fault setting {key!r}")
        with self._cond:
            self._settings = new

    def reset(self):
        self.update({"throttle_rate": 0.0, "error_rate": 0.0, "drop_rate": 0.0,
                     "latency_ms": 0, "services": []})

    def snapshot(self):
        with self._cond:
            state = dict(self._settings)
            until = self._paused_until
        now = time.time()
        if until == math.inf:
            state["paused"] = "until resumed"
        elif until > now:
            state["paused"] = f"{until - now:.1f}s left"
        else:
            state["paused"] = False
        return state

    def pause(self, seconds):
        """Make requests hang for `seconds`, or until resume() when seconds is None."""
        with self._cond:
            self._paused_until = math.inf if seconds is None else time.time() + seconds
            self._cond.notify_all()

    def resume(self):
        with self._cond:
            self._paused_until = 0.0
            self._cond.notify_all()

    def apply(self, service):
        """Hang while paused, add latency, then pick this request's fate:
        None (answer normally), "drop", "throttle", 500 or 503."""
        with self._cond:
            while True:
                left = self._paused_until - time.time()
                if left <= 0:
                    break
                self._cond.wait(min(left, 1.0))
            settings = dict(self._settings)
        if settings["services"] and service not in settings["services"]:
            return None
        if settings["latency_ms"]:
            time.sleep(settings["latency_ms"] / 1000.0)
        roll = self._random.random
        if roll() < settings["drop_rate"]:
            return "drop"
        if roll() < settings["throttle_rate"]:
            return "throttle"
        if roll() < settings["error_rate"]:
            return self._random.choice((500, 503))
        return None
