#!/usr/bin/env python3
"""A fake bridge child (run in place of Python: `GymEnvironment(id:python:)`) that starts the bridge protocol by
announcing an observation space of 10**12 values, then waits for the end of its input."""
import json
import os
import struct

header = json.dumps({"ok": True, "observation_size": 10**12, "action_size": 1, "max_episode_steps": 200,
                     "gymnasium": "fake", "python": "fake"}).encode()
os.write(1, b"OPGB" + struct.pack("<I", len(header)) + header)
while os.read(0, 65536):
    pass
