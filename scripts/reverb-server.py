"""Starts a Reverb server (dm-reverb 0.14) with the tables an OffPolicy run or the Reverb client's tests need.

Usage: reverb-server.py [--port PORT] --observation-size N --action-size M [--tables replay,weights,...]
                        [--replay-selector uniform|prioritized] [--priority-exponent A]
                        [--replay-capacity C] [--samples-per-insert R] [--min-size K] [--error-buffer E]

Prints one line, "reverb-server: listening on PORT", once the server accepts calls, then serves until
its standard input closes, it gets SIGTERM or SIGINT, or its parent process dies (so a test that started
it leaves no child behind, also after kill -9).

Tables (each transition table has the signature of docs/reverb.md: seven columns, flattened in sorted
key order as tf.nest flattens a dict):
  replay       the run's replay table: uniform or prioritized sampler, FIFO remover, a SampleToInsertRatio
               rate limiter (--samples-per-insert, --min-size, --error-buffer);
  weights      size 1, FIFO, MinSize(1): the learner writes policy weights, actors read them (no signature);
  fifo         FIFO sampler, each item sampled once, MinSize(1): reading back in insertion order (tests);
  uniform      uniform sampler, MinSize(1) (tests);
  prioritized  prioritized sampler (exponent --priority-exponent), MinSize(1) (tests);
  limited      uniform sampler with MinSize(1000000): sampling always waits for the rate limiter (tests).
"""
import argparse
import ctypes
import os
import signal
import sys
import threading

import reverb
import tensorflow as tf

COLUMNS = ("action", "behavior_log_probability", "next_observation", "observation", "reward", "terminated", "truncated")


def transition_signature(observation_size, action_size):
    return {
        "observation": tf.TensorSpec([observation_size], tf.float32),
        "action": tf.TensorSpec([action_size], tf.float32),
        "reward": tf.TensorSpec([], tf.float32),
        "next_observation": tf.TensorSpec([observation_size], tf.float32),
        "terminated": tf.TensorSpec([], tf.bool),
        "truncated": tf.TensorSpec([], tf.bool),
        "behavior_log_probability": tf.TensorSpec([], tf.float32),
    }


def make_table(name, args):
    signature = transition_signature(args.observation_size, args.action_size)
    big = 1_000_000
    if name == "replay":
        selector = (reverb.selectors.Prioritized(args.priority_exponent) if args.replay_selector == "prioritized"
                    else reverb.selectors.Uniform())
        limiter = reverb.rate_limiters.SampleToInsertRatio(
            samples_per_insert=args.samples_per_insert, min_size_to_sample=args.min_size, error_buffer=args.error_buffer)
        return reverb.Table(name, selector, reverb.selectors.Fifo(), args.replay_capacity, limiter, signature=signature)
    if name == "weights":
        return reverb.Table(name, reverb.selectors.Fifo(), reverb.selectors.Fifo(), 1, reverb.rate_limiters.MinSize(1))
    if name == "fifo":
        return reverb.Table(name, reverb.selectors.Fifo(), reverb.selectors.Fifo(), big, reverb.rate_limiters.MinSize(1),
                            max_times_sampled=1, signature=signature)
    if name == "uniform":
        return reverb.Table(name, reverb.selectors.Uniform(), reverb.selectors.Fifo(), big, reverb.rate_limiters.MinSize(1),
                            signature=signature)
    if name == "prioritized":
        return reverb.Table(name, reverb.selectors.Prioritized(args.priority_exponent), reverb.selectors.Fifo(), big,
                            reverb.rate_limiters.MinSize(1), signature=signature)
    if name == "limited":
        return reverb.Table(name, reverb.selectors.Uniform(), reverb.selectors.Fifo(), big,
                            reverb.rate_limiters.MinSize(big), signature=signature)
    raise SystemExit(f"reverb-server.py: unknown table '{name}' (known: replay, weights, fifo, uniform, prioritized, limited)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--observation-size", type=int, required=True)
    parser.add_argument("--action-size", type=int, required=True)
    parser.add_argument("--tables", default="replay,weights")
    parser.add_argument("--replay-selector", choices=("uniform", "prioritized"), default="uniform")
    parser.add_argument("--priority-exponent", type=float, default=0.6)
    parser.add_argument("--replay-capacity", type=int, default=1_000_000)
    parser.add_argument("--samples-per-insert", type=float, default=256.0)
    parser.add_argument("--min-size", type=int, default=1000)
    parser.add_argument("--error-buffer", type=float, default=100_000.0)
    args = parser.parse_args()

    # Die with the parent, also when it is killed with SIGKILL (PR_SET_PDEATHSIG = 1).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    if os.getppid() == 1:
        raise SystemExit("reverb-server.py: the parent process is already gone")

    tables = [make_table(name, args) for name in args.tables.split(",") if name]
    server = reverb.Server(tables=tables, port=args.port or None)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin():
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"reverb-server: listening on {server.port}", flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
