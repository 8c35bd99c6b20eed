/// Which runs of consecutive transitions a `TransitionSampler` may return for `sampleSequences` (the
/// replay store: `ReplayStore+Sequences.swift`). A learner that learns from runs says which it needs
/// (`Learner.sequenceWindows`).
public enum SequenceWindows: Sendable, Equatable {
    /// Only runs of `length` transitions of one episode: a run never passes an episode's end, so no run
    /// starts in the last length − 1 transitions of an episode. A2C's V-trace replay needs these (every
    /// row of a window is one of its training rows).
    case wholeRuns
    /// Every transition starts a window, as Stable-Baselines3's `NStepReplayBuffer`: a window that reaches
    /// its episode's end (terminated or truncated) stops there, and its remaining rows repeat that last
    /// transition (masked: the rows after the first terminated or truncated row belong to no return).
    case fromEveryTransition
}
