/// The Python side of the bridge, run as `python3 -c BridgeScript.source ID` (so the installed binary needs no
/// file beside it). It is written to be read: the protocol it speaks is described at its top.
enum BridgeScript {
    static let source = #"""
    # The Python side of OffPolicy's Gymnasium bridge (GymBridge/BridgeScript.swift runs it as `python3 -c`).
    # Framing, all little-endian:
    #   start (child -> parent): b"OPGB" + u32 n + n bytes of JSON, then on success the float32 arrays
    #     observation low, observation high, action low, action high.
    #   requests (parent -> child), one byte each, then a payload:
    #     b"R" + u8 has_seed + u64 seed            -> b"o" + f32[obs]
    #     b"S" + f32[act]                          -> b"s" + u8 flags (1 terminated, 2 truncated) + f64 reward + f32[obs]
    #     b"G"                                     -> b"g" + u32 n + f64[n]   (env.unwrapped.state)
    #     b"P" + u32 n + f64[n]                    -> b"p"                    (sets env.unwrapped.state)
    #     b"T"                                     -> b"t" + f64 seconds + u64 steps + f64 cpu   (time spent in env.step,
    #                                                 steps taken, the process's CPU seconds so far)
    #   any request can instead get b"e" + u32 n + n bytes of UTF-8 (a Python traceback).
    # End of input ends the process (at once: os._exit). argv: the Gymnasium id, then the parent's process id.
    import os, signal, struct, sys, json, time, traceback

    # This process dies with its parent, also after kill -9 of the parent: Linux sends it SIGKILL when the parent
    # goes (PR_SET_PDEATHSIG = 1); a parent that went before that request took effect is seen by getppid().
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: end of input still ends the process once the parent is gone
    if len(sys.argv) > 2 and os.getppid() != int(sys.argv[2]):
        os._exit(0)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it checkpoints, then closes our input
    reply_fd = os.dup(1)
    request_fd = os.dup(0)
    os.dup2(2, 1)  # whatever the environment prints goes to standard error, never into the protocol
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = sys.stderr


    def send(data):
        view = memoryview(data)
        while view:
            view = view[os.write(reply_fd, view):]


    pending = bytearray()  # read but not yet consumed: one os.read usually brings a whole request


    def receive(count):
        while len(pending) < count:
            chunk = os.read(request_fd, 65536)
            if not chunk:
                # End of input: the parent is done. Exit at once: tearing the interpreter down (NumPy,
                # Gymnasium, the environment's modules) would only keep the parent waiting.
                sys.stderr.flush()
                os._exit(0)
            pending.extend(chunk)
        data = bytes(pending[:count])
        del pending[:count]
        return data


    def start(header, arrays=()):
        text = json.dumps(header).encode()
        send(b"OPGB" + struct.pack("<I", len(text)) + text + b"".join(arrays))


    def missing_module(error):
        seen = error
        while seen is not None:
            if isinstance(seen, ImportError) and getattr(seen, "name", None):
                return seen.name.split(".")[0]
            seen = seen.__cause__ or seen.__context__
        return None


    def fail(kind, message, module=None):
        start({"ok": False, "kind": kind, "message": message, "module": module})
        sys.exit(0)


    try:
        import numpy as np
        import gymnasium
    except ImportError as error:
        fail("missing_module", str(error), missing_module(error) or "gymnasium")

    env_id = sys.argv[1]
    try:
        env = gymnasium.make(env_id)
    except gymnasium.error.DependencyNotInstalled as error:
        fail("missing_module", str(error), missing_module(error) or "")
    except ImportError as error:
        fail("missing_module", str(error), missing_module(error))
    except gymnasium.error.Error as error:
        fail("unknown_id" if type(error).__name__ in ("NameNotFound", "VersionNotFound", "NamespaceNotFound",
                                                       "UnregisteredEnv", "DeprecatedEnv", "UnseedableEnv") else "make_failed",
             str(error))
    except Exception:
        fail("make_failed", traceback.format_exc())

    spaces = {"observation": env.observation_space, "action": env.action_space}
    for role, space in spaces.items():
        if not isinstance(space, gymnasium.spaces.Box):
            fail("unsupported_space", f"{role} space {space!r}")
        if not np.issubdtype(space.dtype, np.floating):
            fail("unsupported_space", f"{role} space {space!r} (dtype {space.dtype}; only floating-point Box spaces are bridged)")

    observation_size = int(np.prod(env.observation_space.shape))
    action_shape = env.action_space.shape
    action_size = int(np.prod(action_shape))
    action_dtype = env.action_space.dtype
    spec = env.spec
    # The registry's id and entry point (a "module:Class" string; None for an id registered with a callable).
    entry_point = spec.entry_point if spec is not None and isinstance(spec.entry_point, str) else None
    start({"ok": True, "observation_size": observation_size, "action_size": action_size,
           "spec_id": spec.id if spec is not None else None, "entry_point": entry_point,
           "observation_shape": list(env.observation_space.shape), "action_shape": list(action_shape),
           "observation_dtype": str(env.observation_space.dtype), "action_dtype": str(action_dtype),
           "max_episode_steps": spec.max_episode_steps if spec is not None else None,
           "gymnasium": gymnasium.__version__, "python": sys.version.split()[0]},
          [np.asarray(bound, dtype="<f4").reshape(-1).tobytes() for bound in
           (env.observation_space.low, env.observation_space.high, env.action_space.low, env.action_space.high)])


    def observation_bytes(observation):
        array = np.asarray(observation, dtype="<f4").reshape(-1)
        if array.size != observation_size:
            raise ValueError(f"the observation has {array.size} values; the observation space has {observation_size}")
        return array.tobytes()


    step_seconds = 0.0
    steps = 0
    action_bytes = 4 * action_size
    while True:
        op = receive(1)
        try:
            if op == b"S":
                action = np.frombuffer(receive(action_bytes), dtype="<f4").astype(action_dtype).reshape(action_shape)
                began = time.perf_counter()
                observation, reward, terminated, truncated, _ = env.step(action)
                step_seconds += time.perf_counter() - began
                steps += 1
                flags = (1 if terminated else 0) | (2 if truncated else 0)
                send(b"s" + struct.pack("<Bd", flags, float(reward)) + observation_bytes(observation))
            elif op == b"R":
                has_seed, seed = struct.unpack("<BQ", receive(9))
                observation, _ = env.reset(seed=seed if has_seed else None)
                send(b"o" + observation_bytes(observation))
            elif op == b"G":
                state = np.asarray(env.unwrapped.state, dtype="<f8").reshape(-1)
                send(b"g" + struct.pack("<I", state.size) + state.tobytes())
            elif op == b"P":
                (count,) = struct.unpack("<I", receive(4))
                env.unwrapped.state = np.frombuffer(receive(8 * count), dtype="<f8").astype(np.float64)
                send(b"p")
            elif op == b"T":
                send(b"t" + struct.pack("<dQd", step_seconds, steps, time.process_time()))
            else:
                raise ValueError(f"unknown request {op!r}")
        except SystemExit:
            raise
        except BaseException:
            message = traceback.format_exc().encode()
            send(b"e" + struct.pack("<I", len(message)) + message)
    """#
}
