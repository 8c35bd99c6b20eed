import ReplayStore
import Training

extension ReplayStore: TransitionSampler {}
