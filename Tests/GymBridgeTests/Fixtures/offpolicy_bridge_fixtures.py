"""Gymnasium environments that misbehave on purpose, for OffPolicy's bridge tests.

Made with the module-prefix syntax, e.g. `gym:offpolicy_bridge_fixtures:ExitingPendulum-v0`,
with this directory on PYTHONPATH.
"""
import os
import sys

import numpy as np
import gymnasium
from gymnasium.envs.classic_control.pendulum import PendulumEnv


class ExitingPendulum(PendulumEnv):
    """Pendulum whose process exits (status 3) in the middle of an episode, after `EXIT_AFTER` steps of
    its process's life (counted across episodes), saying why on standard error first."""
    EXIT_AFTER = int(os.environ.get("OFFPOLICY_FIXTURE_EXIT_AFTER", "250"))
    steps = 0

    def step(self, action):
        ExitingPendulum.steps += 1
        if ExitingPendulum.steps > self.EXIT_AFTER:
            print(f"fixture: exiting mid-episode on purpose after {self.EXIT_AFTER} steps", file=sys.stderr, flush=True)
            os._exit(3)
        return super().step(action)


class GarbagePendulum(PendulumEnv):
    """Pendulum that writes bytes outside the protocol into the bridge's reply pipe on its 5th step."""
    steps = 0

    def step(self, action):
        GarbagePendulum.steps += 1
        if GarbagePendulum.steps == 5:
            import __main__
            os.write(__main__.reply_fd, b"#garbage#")
        return super().step(action)


class NeedsMissingExtra(PendulumEnv):
    """Needs a package that is not installed, and says so as Gymnasium's MuJoCo and Box2D tasks do."""

    def __init__(self, **kwargs):
        try:
            import offpolicy_fixture_missing_extra  # noqa: F401  (never installed)
        except ImportError as error:
            raise gymnasium.error.DependencyNotInstalled(
                'offpolicy_fixture_missing_extra is not installed, run `pip install offpolicy_fixture_missing_extra`') from error
        super().__init__(**kwargs)


class UnboundedAction(PendulumEnv):
    """Pendulum with an action box that has no bounds."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.action_space = gymnasium.spaces.Box(-np.inf, np.inf, shape=(1,), dtype=np.float32)


class Float64Pendulum(PendulumEnv):
    """Pendulum whose spaces and observations are float64 (the bridge hands float32 on)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        high = np.array([1.0, 1.0, self.max_speed], dtype=np.float64)
        self.observation_space = gymnasium.spaces.Box(-high, high, dtype=np.float64)
        self.action_space = gymnasium.spaces.Box(-self.max_torque, self.max_torque, shape=(1,), dtype=np.float64)

    def _get_obs(self):
        return super()._get_obs().astype(np.float64)


class SleepingPendulum(PendulumEnv):
    """Pendulum whose step number `OFFPOLICY_FIXTURE_SLEEP_AT` (counted over its process's life; default 5) sleeps
    for an hour, as a hung simulator would. With `OFFPOLICY_FIXTURE_MARKER` set, only the first process to reach
    that step sleeps: it creates the marker file (exclusively) and writes its process id into it just before it
    sleeps, so a test knows the call is hung; a process that finds the marker already there steps on."""
    SLEEP_AT = int(os.environ.get("OFFPOLICY_FIXTURE_SLEEP_AT", "5"))
    steps = 0

    def step(self, action):
        SleepingPendulum.steps += 1
        if SleepingPendulum.steps == self.SLEEP_AT:
            marker = os.environ.get("OFFPOLICY_FIXTURE_MARKER")
            sleeping = True
            if marker:
                try:
                    os.close(os.open(marker + ".claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                except FileExistsError:
                    sleeping = False
                else:
                    with open(marker + ".tmp", "w") as file:
                        file.write(str(os.getpid()))
                    os.rename(marker + ".tmp", marker)
            if sleeping:
                print(f"fixture: sleeping in step {self.SLEEP_AT} on purpose", file=sys.stderr, flush=True)
                import time
                time.sleep(3600)
        return super().step(action)


class NaNPendulum(PendulumEnv):
    """Pendulum whose step number `OFFPOLICY_FIXTURE_NAN_AT` (default 3) returns a NaN: in the reward, or with
    `OFFPOLICY_FIXTURE_NAN_IN=observation` in the observation's second value."""
    NAN_AT = int(os.environ.get("OFFPOLICY_FIXTURE_NAN_AT", "3"))
    steps = 0

    def step(self, action):
        NaNPendulum.steps += 1
        observation, reward, terminated, truncated, info = super().step(action)
        if NaNPendulum.steps == self.NAN_AT:
            if os.environ.get("OFFPOLICY_FIXTURE_NAN_IN") == "observation":
                observation = observation.copy()
                observation[1] = np.nan
            else:
                reward = float("nan")
        return observation, reward, terminated, truncated, info


class SeedExitingPendulum(PendulumEnv):
    """Pendulum whose process exits (status 4) after `EXIT_AFTER` steps of its life when its first reset had the
    seed `OFFPOLICY_FIXTURE_EXIT_SEED` (default 2): one environment copy of a run (copy c is reset with
    seed + c) dies, the others go on."""
    EXIT_AFTER = int(os.environ.get("OFFPOLICY_FIXTURE_EXIT_AFTER", "250"))
    EXIT_SEED = int(os.environ.get("OFFPOLICY_FIXTURE_EXIT_SEED", "2"))
    first_seed = None
    steps = 0

    def reset(self, *, seed=None, options=None):
        if SeedExitingPendulum.first_seed is None:
            SeedExitingPendulum.first_seed = seed
        return super().reset(seed=seed, options=options)

    def step(self, action):
        SeedExitingPendulum.steps += 1
        if SeedExitingPendulum.first_seed == self.EXIT_SEED and SeedExitingPendulum.steps > self.EXIT_AFTER:
            print(f"fixture: the copy seeded {self.EXIT_SEED} exits on purpose after {self.EXIT_AFTER} steps", file=sys.stderr, flush=True)
            os._exit(4)
        return super().step(action)


for name, entry_point in [("ExitingPendulum-v0", ExitingPendulum), ("SeedExitingPendulum-v0", SeedExitingPendulum), ("GarbagePendulum-v0", GarbagePendulum),
                          ("NeedsMissingExtra-v0", NeedsMissingExtra), ("UnboundedAction-v0", UnboundedAction),
                          ("Float64Pendulum-v0", Float64Pendulum), ("SleepingPendulum-v0", SleepingPendulum),
                          ("NaNPendulum-v0", NaNPendulum)]:
    gymnasium.register(id=name, entry_point=entry_point, max_episode_steps=200)
