import ReplayStore
import Training

extension ReplayStore: TransitionSink {}
